// Test data through the app's own services (defineFactory): provider partitions via LicensesService, upload rows
// as a state would send them.
import { randomUUID } from 'node:crypto'
import { defineFactory } from '@hearth/kernel/testing'
import type { Container } from '../src/container.ts'
import type { ProviderRecordInput } from '../src/modules/licenses/licenses.service.ts'

/** An SSN no other test row uses: `9xx-xx-xxxx` from a sequence number. */
export const ssnOf = (n: number) => {
  const digits = String(100000000 + n).slice(-8)
  return `9${digits.slice(0, 2)}-${digits.slice(2, 4)}-${digits.slice(4, 8)}`
}

/** One license as a state uploads it (§4.1 fields), valid for `aslp`. */
export function uploadedLicense(n: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ssn: ssnOf(n),
    licenseType: 'speech-language pathologist',
    licenseStatus: 'active',
    compactEligibility: 'eligible',
    givenName: `Given${n}`,
    familyName: `Family${n}`,
    dateOfIssuance: '2020-01-01',
    dateOfExpiration: '2040-01-01',
    dateOfBirth: '1980-01-01',
    homeAddressStreet1: `${n} Main St`,
    homeAddressCity: 'Columbus',
    homeAddressState: 'OH',
    homeAddressPostalCode: '43004',
    licenseNumber: `OH-${n}`,
    ...overrides,
  }
}

/** Whole provider partitions (provider + one license, optionally privileges), inserted through LicensesService. */
export function providerFactory(container: Container) {
  return defineFactory<ProviderRecordInput, string>({
    defaults: (n) => ({
      providerId: randomUUID(),
      compact: 'aslp',
      ssn: ssnOf(50000 + n),
      at: new Date('2026-01-15T12:00:00Z'),
      provider: { currentHomeJurisdiction: 'oh' },
      licenses: [
        {
          jurisdiction: 'oh',
          licenseType: 'speech-language pathologist',
          givenName: `Given${n}`,
          familyName: `Family${n}`,
          dateOfIssuance: '2020-01-01',
          dateOfExpiration: '2040-01-01',
          dateOfBirth: '1980-01-01',
          homeAddressStreet1: `${n} Main St`,
          homeAddressCity: 'Columbus',
          homeAddressState: 'OH',
          homeAddressPostalCode: '43004',
          jurisdictionUploadedLicenseStatus: 'active',
          jurisdictionUploadedCompactEligibility: 'eligible',
        },
      ],
    }),
    create: async (values) => {
      await container.services.licenses.loadProvider(values)
      return values.providerId
    },
  })
}
