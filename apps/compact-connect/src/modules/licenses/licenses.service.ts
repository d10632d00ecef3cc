import type { Database, Db } from '@hearth/kernel'
import { projectionOf } from '../ingest/ingest.service.ts'
import type { AdverseActionInsert, LicenseInsert, LicensesRepository, MilitaryAffiliationInsert, PrivilegeInsert, ProviderInsert } from './licenses.repository.ts'
import type { SsnService } from './ssn.service.ts'

/** A whole provider partition to load at once (seeds, test factories); derived fields are computed here. */
export interface ProviderRecordInput {
  providerId: string
  compact: string
  ssn: string
  /** The first license is the projected ("best") one. */
  licenses: Omit<LicenseInsert, 'providerId' | 'compact' | 'ssnLastFour' | 'dateOfUpdate'>[]
  provider?: Partial<Pick<ProviderInsert, 'currentHomeJurisdiction' | 'compactConnectRegisteredEmailAddress' | 'militaryStatus' | 'militaryStatusNote' | 'encumberedStatus'>>
  privileges?: Omit<PrivilegeInsert, 'providerId' | 'compact' | 'dateOfUpdate'>[]
  adverseActions?: Omit<AdverseActionInsert, 'providerId' | 'compact' | 'dateOfUpdate'>[]
  militaryAffiliations?: Omit<MilitaryAffiliationInsert, 'providerId' | 'compact' | 'dateOfUpdate'>[]
  /** `dateOfUpdate`/`providerDateOfUpdate`/`firstUploadDate` of every record (§9.1: S). */
  at: Date
}

/**
 * Provider partitions as a unit: the SSN vault entry, the provider projected from its first license (§4.3), its
 * licenses, privileges (`privilegeJurisdictions` derived), adverse actions and military records, in one transaction.
 * Loading writes no update records and emits no events (§9.1).
 */
export class LicensesService {
  constructor(
    private readonly database: Database,
    private readonly repository: LicensesRepository,
    private readonly ssn: SsnService,
  ) {}

  async loadProvider(input: ProviderRecordInput, db?: Db): Promise<void> {
    const run = async (tx: Db) => {
      const ssnLastFour = input.ssn.slice(-4)
      const first = input.licenses[0]
      if (!first) throw new Error('a provider needs at least one license')
      await this.ssn.store(tx, input.compact, input.providerId, input.ssn)
      const privileges = input.privileges ?? []
      await this.repository.insertProviderIfMissing(tx, {
        providerId: input.providerId,
        compact: input.compact,
        ...projectionOf({ ...first, ssnLastFour }),
        currentHomeJurisdiction: 'unknown',
        ...input.provider,
        privilegeJurisdictions: [...new Set(privileges.map((privilege) => privilege.jurisdiction))].sort(),
        providerDateOfUpdate: input.at,
        dateOfUpdate: input.at,
      })
      for (const license of input.licenses) {
        await this.repository.insertLicense(tx, {
          firstUploadDate: input.at,
          ...license,
          providerId: input.providerId,
          compact: input.compact,
          ssnLastFour,
          dateOfUpdate: input.at,
        })
      }
      for (const privilege of privileges) {
        await this.repository.insertPrivilege(tx, { ...privilege, providerId: input.providerId, compact: input.compact, dateOfUpdate: input.at })
      }
      for (const action of input.adverseActions ?? []) {
        await this.repository.insertAdverseAction(tx, { ...action, providerId: input.providerId, compact: input.compact, dateOfUpdate: input.at })
      }
      for (const affiliation of input.militaryAffiliations ?? []) {
        await this.repository.insertMilitaryAffiliation(tx, { ...affiliation, providerId: input.providerId, compact: input.compact, dateOfUpdate: input.at })
      }
    }
    if (db) await run(db)
    else await this.database.transaction(run)
  }

  async setPrivilegeCount(compact: string, count: number, db: Db = this.database.db): Promise<void> {
    await this.repository.setPrivilegeCount(db, compact, count)
  }
}
