import type { Database } from '@hearth/kernel'
import { isoDateTime } from '../../domain/dates.ts'
import { notFound } from '../../errors.ts'
import type { AttestationRow, AttestationsRepository } from './attestations.repository.ts'
import type { AttestationView } from './attestations.schemas.ts'

export const DEFAULT_LOCALE = 'en'

export function toAttestationView(row: AttestationRow): AttestationView {
  return {
    type: 'attestation',
    compact: row.compact,
    attestationId: row.attestationId,
    version: String(row.version),
    dateCreated: isoDateTime(row.dateCreated),
    dateOfUpdate: isoDateTime(row.dateOfUpdate),
    text: row.text,
    required: row.required,
    displayName: row.displayName,
    description: row.description,
    locale: row.locale,
  }
}

export interface AttestationVersionInput {
  compact: string
  attestationId: string
  locale?: string
  text: string
  required: boolean
  displayName: string
  description: string
  /** Default: one more than the latest. */
  version?: number
  dateCreated?: Date
}

/** Attestations (§1.9): the latest version per id and locale; new versions are added, never changed. */
export class AttestationsService {
  constructor(
    private readonly database: Database,
    private readonly repository: AttestationsRepository,
  ) {}

  /** `GET /v1/compacts/{compact}/attestations/{attestationId}`: the latest version, 404 when none. */
  async latest(compact: string, attestationId: string, locale: string = DEFAULT_LOCALE): Promise<AttestationView> {
    const row = await this.repository.latest(this.database.db, compact, locale, attestationId)
    if (!row) throw notFound(`No attestation found for '${attestationId}' in compact '${compact}' and locale '${locale}'`)
    return toAttestationView(row)
  }

  /** Latest version of every attestation of a compact (purchases check the submitted versions against it). */
  async latestVersions(compact: string, locale: string = DEFAULT_LOCALE): Promise<Map<string, string>> {
    const rows = await this.repository.latestAll(this.database.db, compact, locale)
    return new Map(rows.map((row) => [row.attestationId, String(row.version)]))
  }

  /**
   * Adds a version (what the original's deploy-time uploader does when text, displayName, description or
   * required change). Unchanged content is not versioned again.
   */
  async addVersion(input: AttestationVersionInput): Promise<AttestationView> {
    const locale = input.locale ?? DEFAULT_LOCALE
    return this.database.transaction(async (tx) => {
      const latest = await this.repository.latest(tx, input.compact, locale, input.attestationId)
      const unchanged = latest && latest.text === input.text && latest.required === input.required && latest.displayName === input.displayName && latest.description === input.description
      if (latest && unchanged && input.version === undefined) return toAttestationView(latest)
      const now = new Date()
      const row: AttestationRow = {
        compact: input.compact,
        locale,
        attestationId: input.attestationId,
        version: input.version ?? (latest ? latest.version + 1 : 1),
        dateCreated: input.dateCreated ?? now,
        text: input.text,
        required: input.required,
        displayName: input.displayName,
        description: input.description,
        dateOfUpdate: input.dateCreated ?? now,
      }
      await this.repository.insert(tx, row)
      return toAttestationView(row)
    })
  }
}
