import type { Db } from '@hearth/kernel'
import type { JobRunner } from '@hearth/kernel/jobs'
import { chooseBestLicense } from '../../domain/ingest-rules.ts'
import type { CompactConnectJobs } from '../../jobs.ts'
import type { LicensesRepository, ProviderRow } from '../licenses/licenses.repository.ts'
import type { LicenseRecordInput } from '../licenses/licenses.types.ts'
import { projectionOf } from './ingest.service.ts'
import type { SsnCorrectionRepository } from './ssn-correction.repository.ts'

/**
 * §4.2 `previousSSN` (behind `license-ssn-correction-migration-flag`): a license uploaded under a wrong SSN moves
 * from the provider of the old SSN to the provider of the new one, with its privileges and their history,
 * encumbrances and investigations, inside the ingest transaction (both providers locked). When the old provider
 * has no license left it is removed (full migration): whatever it still holds moves over, its vault entry and
 * practitioner login are deleted and, if it had registered, a `ssnCorrectionReregistrationNotification` is
 * enqueued to its registered address. Otherwise (partial migration) it is re-projected from its remaining licenses.
 */
export class SsnCorrectionService {
  constructor(
    private readonly repository: SsnCorrectionRepository,
    private readonly licenses: LicensesRepository,
    private readonly jobs: JobRunner<CompactConnectJobs>,
  ) {}

  /** True when something moved (the new provider must be re-projected). */
  async migrate(tx: Db, compact: string, jurisdiction: string, license: LicenseRecordInput, previous: ProviderRow, now: Date): Promise<boolean> {
    const from = previous.providerId
    const to = license.providerId
    const outcome = await this.repository.moveLicense(tx, from, to, jurisdiction, license.licenseType)
    if (outcome === 'none') return false
    await this.repository.moveAssociated(tx, from, to, { jurisdiction, licenseType: license.licenseType })
    if ((await this.repository.licenseCount(tx, from)) === 0) {
      await this.repository.moveAssociated(tx, from, to, null)
      await this.repository.deleteProvider(tx, from)
      const email = previous.compactConnectRegisteredEmailAddress
      if (email) {
        await this.jobs.enqueue(
          tx,
          'notification.send',
          {
            template: 'ssnCorrectionReregistrationNotification',
            recipientType: 'SPECIFIC',
            compact,
            specificEmails: [email],
            templateVariables: { providerFirstName: previous.givenName },
          },
          { idempotencyKey: `ssn-correction-reregistration:${compact}:${from}` },
        )
      }
      return true
    }
    // Partial migration: the old provider keeps its other licenses and is projected from the best of them.
    const remaining = await this.licenses.licensesOfProvider(tx, from)
    const best = chooseBestLicense(
      remaining.map((row) => ({
        ...row,
        jurisdictionUploadedLicenseStatus: row.jurisdictionUploadedLicenseStatus as 'active' | 'inactive',
        jurisdictionUploadedCompactEligibility: row.jurisdictionUploadedCompactEligibility as 'eligible' | 'ineligible',
      })),
      previous.currentHomeJurisdiction,
      now,
    )
    const privileges = await this.licenses.privilegesOfProvider(tx, from)
    await this.licenses.updateProjections(tx, [
      {
        providerId: from,
        ...(best ? projectionOf(best) : {}),
        privilegeJurisdictions: [...new Set(privileges.map((privilege) => privilege.jurisdiction))].sort(),
        providerDateOfUpdate: now,
        dateOfUpdate: now,
      },
    ])
    return true
  }
}
