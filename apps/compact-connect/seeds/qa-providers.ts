import type { Container } from '../src/container.ts'
import { daysBeforeToday } from '../src/domain/dates.ts'
import type { ProviderRecordInput } from '../src/modules/licenses/licenses.service.ts'

/** §9.1: S, the moment every seeded record was last updated. */
export const SEED_MOMENT = new Date('2026-01-15T12:00:00+00:00')
export const providerIdOf = (n: number) => `c0000000-0000-4000-8000-00000000000${n}`
const S1 = 'e0000000-0000-4000-8000-000000000001'
const SLP = 'speech-language pathologist'
const AUD = 'audiologist'

/** The eight non-military attestations of §9.5 a seeded purchase accepted, all at version "1". */
const PURCHASE_ATTESTATIONS = [
  'jurisprudence-confirmation',
  'scope-of-practice-attestation',
  'personal-information-home-state-attestation',
  'personal-information-address-attestation',
  'discipline-no-current-encumbrance-attestation',
  'discipline-no-prior-encumbrance-attestation',
  'provision-of-true-information-attestation',
  'not-under-investigation-attestation',
].map((attestationId) => ({ attestationId, version: '1' }))

interface LicenseRow {
  jurisdiction: string
  licenseType: string
  licenseNumber: string
  dateOfIssuance: string
  dateOfRenewal: string | null
  dateOfExpiration: string
  status: ['active' | 'inactive', 'eligible' | 'ineligible']
  licenseStatusName: string
  encumberedStatus: 'encumbered' | 'unencumbered'
  address: [string, string, string, string]
  emailAddress: string | null
  phoneNumber: string | null
}

interface PersonRow {
  n: number
  names: [string, string | null, string, string | null]
  dateOfBirth: string
  ssn: string
  npi: string | null
  home: string
  email: string | null
  license: LicenseRow
}

const license = (
  jurisdiction: string,
  licenseType: string,
  licenseNumber: string,
  dateOfIssuance: string,
  dateOfRenewal: string | null,
  dateOfExpiration: string,
  status: LicenseRow['status'],
  licenseStatusName: string,
  encumberedStatus: LicenseRow['encumberedStatus'],
  address: LicenseRow['address'],
  emailAddress: string | null,
  phoneNumber: string | null,
): LicenseRow => ({ jurisdiction, licenseType, licenseNumber, dateOfIssuance, dateOfRenewal, dateOfExpiration, status, licenseStatusName, encumberedStatus, address, emailAddress, phoneNumber })

/** §9.7: P1–P8 and their single licenses. */
const PEOPLE: PersonRow[] = [
  {
    n: 1,
    names: ['Harriet', 'June', 'Quimby', null],
    dateOfBirth: '1985-03-14',
    ssn: '900-10-1001',
    npi: '1000000001',
    home: 'co',
    email: 'harriet.quimby@example.org',
    license: license(
      'co',
      SLP,
      'CO-SLP-1001',
      '2019-02-01',
      '2025-02-01',
      '2045-01-31',
      ['active', 'eligible'],
      'ACTIVE',
      'unencumbered',
      ['100 Aspen Way', 'Denver', 'CO', '80202'],
      'hquimby.license@example.net',
      '+13035550101',
    ),
  },
  {
    n: 2,
    names: ['Theo', null, 'Marsh', null],
    dateOfBirth: '1979-11-02',
    ssn: '900-10-1002',
    npi: '1000000002',
    home: 'oh',
    email: 'theo.marsh@example.org',
    license: license(
      'oh',
      SLP,
      'OH-SLP-1002',
      '2018-06-15',
      '2024-06-15',
      '2044-12-31',
      ['active', 'eligible'],
      'ACTIVE',
      'unencumbered',
      ['200 Buckeye Rd', 'Columbus', 'OH', '43004'],
      'tmarsh.license@example.net',
      '+16145550102',
    ),
  },
  {
    n: 3,
    names: ['Rosa', 'Maria', 'Delgado', null],
    dateOfBirth: '1990-07-22',
    ssn: '900-10-1003',
    npi: '1000000003',
    home: 'ne',
    email: 'rosa.delgado@example.org',
    license: license('ne', SLP, 'NE-SLP-1003', '2020-09-01', null, '2046-05-31', ['active', 'eligible'], 'ACTIVE', 'unencumbered', ['300 Prairie Ave', 'Omaha', 'NE', '68102'], null, '+14025550103'),
  },
  {
    n: 4,
    names: ['Samuel', null, 'Okoro', 'Jr.'],
    dateOfBirth: '1968-01-30',
    ssn: '900-10-1004',
    npi: '1000000004',
    home: 'ky',
    email: 'samuel.okoro@example.org',
    license: license(
      'ky',
      AUD,
      'KY-AUD-1004',
      '2015-03-10',
      '2023-03-10',
      '2044-08-31',
      ['inactive', 'ineligible'],
      'RETIRED',
      'unencumbered',
      ['400 Bluegrass Ln', 'Lexington', 'KY', '40507'],
      'sokoro.license@example.net',
      null,
    ),
  },
  {
    n: 5,
    names: ['Lena', null, 'Brandt', null],
    dateOfBirth: '1972-09-09',
    ssn: '900-10-1005',
    npi: null,
    home: 'unknown',
    email: null,
    license: license(
      'oh',
      SLP,
      'OH-SLP-1005',
      '2014-04-01',
      '2023-04-01',
      '2025-03-31',
      ['active', 'eligible'],
      'ACTIVE',
      'unencumbered',
      ['500 Lake Shore Dr', 'Cleveland', 'OH', '44114'],
      null,
      null,
    ),
  },
  {
    n: 6,
    names: ['Amara', null, 'Nwosu', null],
    dateOfBirth: '1994-05-17',
    ssn: '900-10-1006',
    npi: '1000000006',
    home: 'unknown',
    email: null,
    license: license(
      'ky',
      SLP,
      'KY-SLP-1006',
      '2021-07-20',
      null,
      '2045-09-30',
      ['active', 'eligible'],
      'ACTIVE',
      'unencumbered',
      ['600 Derby St', 'Louisville', 'KY', '40202'],
      'anwosu.license@example.net',
      null,
    ),
  },
  {
    n: 7,
    names: ['Victor', null, 'Hale', null],
    dateOfBirth: '1981-12-25',
    ssn: '900-10-1007',
    npi: '1000000007',
    home: 'co',
    email: 'victor.hale@example.org',
    license: license('co', SLP, 'CO-SLP-1007', '2017-11-05', '2023-11-05', '2045-03-31', ['active', 'eligible'], 'ACTIVE', 'encumbered', ['700 Pine St', 'Boulder', 'CO', '80301'], null, null),
  },
  {
    n: 8,
    names: ['Nadia', null, 'Petrov', null],
    dateOfBirth: '1987-04-04',
    ssn: '900-10-1008',
    npi: '1000000008',
    home: 'co',
    email: 'nadia.petrov@example.org',
    license: license('co', SLP, 'CO-SLP-1008', '2016-01-12', '2024-01-12', '2045-04-30', ['active', 'eligible'], 'ACTIVE', 'unencumbered', ['800 Elm St', 'Fort Collins', 'CO', '80521'], null, null),
  },
]

const privilege = (
  privilegeId: string,
  jurisdiction: string,
  licenseJurisdiction: string,
  licenseType: string,
  issued: string,
  dateOfExpiration: string,
  compactTransactionId: string,
  administratorSetStatus: 'active' | 'inactive',
  flags: { homeJurisdictionChangeStatus?: string; licenseDeactivatedStatus?: string } = {},
) => ({
  privilegeId,
  jurisdiction,
  licenseJurisdiction,
  licenseType,
  dateOfIssuance: new Date(issued),
  dateOfRenewal: new Date(issued),
  dateOfExpiration,
  compactTransactionId,
  attestations: PURCHASE_ATTESTATIONS,
  administratorSetStatus,
  homeJurisdictionChangeStatus: flags.homeJurisdictionChangeStatus ?? null,
  licenseDeactivatedStatus: flags.licenseDeactivatedStatus ?? null,
})

/** §9.7 privileges, keyed by provider number. */
const PRIVILEGES: Record<number, ReturnType<typeof privilege>[]> = {
  2: [
    privilege('SLP-CO-1', 'co', 'oh', SLP, '2025-01-10T15:00:00+00:00', '2044-12-31', '120000000001', 'active'),
    privilege('SLP-KY-2', 'ky', 'oh', SLP, '2025-01-10T15:00:00+00:00', '2044-12-31', '120000000001', 'inactive'),
    privilege('SLP-NE-3', 'ne', 'oh', SLP, '2024-03-05T15:00:00+00:00', '2043-12-31', '120000000002', 'active', {
      homeJurisdictionChangeStatus: 'inactive',
      licenseDeactivatedStatus: 'licenseDeactivated',
    }),
  ],
  4: [privilege('AUD-OH-4', 'oh', 'ky', AUD, '2024-05-20T15:00:00+00:00', '2044-08-31', '120000000003', 'active', { licenseDeactivatedStatus: 'licenseDeactivated' })],
}

/** The §9.7 adverse actions (all against `co` SLP licenses, submitted by S1). */
function adverseActionsOf(n: number, now: Date): ProviderRecordInput['adverseActions'] {
  const base = { jurisdiction: 'co', licenseType: SLP, licenseTypeAbbreviation: 'slp', actionAgainst: 'license', submittingUser: S1 }
  if (n === 1)
    return [
      {
        ...base,
        adverseActionId: 'f0000000-0000-4000-8000-000000000001',
        encumbranceType: 'fine',
        clinicalPrivilegeActionCategories: ['Non-compliance With Requirements'],
        effectiveStartDate: '2019-05-01',
        effectiveLiftDate: '2020-05-01',
        liftingUser: S1,
        creationDate: new Date('2019-05-02T14:00:00+00:00'),
      },
    ]
  if (n === 7)
    return [
      {
        ...base,
        adverseActionId: 'f0000000-0000-4000-8000-000000000002',
        encumbranceType: 'suspension',
        clinicalPrivilegeActionCategories: ['Unsafe Practice or Substandard Care'],
        effectiveStartDate: '2025-06-01',
        creationDate: new Date('2025-06-02T14:00:00+00:00'),
      },
    ]
  if (n === 8) {
    const start = daysBeforeToday(200, now)
    return [
      {
        ...base,
        adverseActionId: 'f0000000-0000-4000-8000-000000000003',
        encumbranceType: 'probation',
        clinicalPrivilegeActionCategories: ['Misconduct or Abuse'],
        effectiveStartDate: start,
        effectiveLiftDate: daysBeforeToday(30, now),
        liftingUser: S1,
        creationDate: new Date(`${start}T14:00:00+00:00`),
      },
    ]
  }
  return []
}

/** The §9.7 providers of `aslp`, their licenses, privileges, adverse actions and P3's military record; counter 4. */
export async function seedQaProviders(container: Container, now: Date = new Date()): Promise<void> {
  const { licenses } = container.services
  for (const person of PEOPLE) {
    const providerId = providerIdOf(person.n)
    const [givenName, middleName, familyName, suffix] = person.names
    const row = person.license
    await licenses.loadProvider({
      providerId,
      compact: 'aslp',
      ssn: person.ssn,
      at: SEED_MOMENT,
      provider: {
        currentHomeJurisdiction: person.home,
        compactConnectRegisteredEmailAddress: person.email,
        encumberedStatus: person.n === 7 ? 'encumbered' : 'unencumbered',
        ...(person.n === 3 ? { militaryStatus: 'approved', militaryStatusNote: 'QA: orders verified' } : {}),
      },
      licenses: [
        {
          jurisdiction: row.jurisdiction,
          licenseType: row.licenseType,
          licenseNumber: row.licenseNumber,
          npi: person.npi,
          givenName,
          middleName,
          familyName,
          suffix,
          dateOfIssuance: row.dateOfIssuance,
          dateOfRenewal: row.dateOfRenewal,
          dateOfExpiration: row.dateOfExpiration,
          dateOfBirth: person.dateOfBirth,
          homeAddressStreet1: row.address[0],
          homeAddressCity: row.address[1],
          homeAddressState: row.address[2],
          homeAddressPostalCode: row.address[3],
          emailAddress: row.emailAddress,
          phoneNumber: row.phoneNumber,
          licenseStatusName: row.licenseStatusName,
          jurisdictionUploadedLicenseStatus: row.status[0],
          jurisdictionUploadedCompactEligibility: row.status[1],
          encumberedStatus: row.encumberedStatus,
        },
      ],
      privileges: PRIVILEGES[person.n] ?? [],
      adverseActions: adverseActionsOf(person.n, now),
      militaryAffiliations:
        person.n === 3
          ? [
              {
                affiliationType: 'militaryMember',
                fileNames: ['military-orders.pdf'],
                documentKeys: [`compact/aslp/provider/${providerId}/document-type/military-affiliations/2026-01-15/a0000000-0000-4000-8000-000000000001#military-orders.pdf`],
                dateOfUpload: SEED_MOMENT,
                status: 'active',
              },
            ]
          : [],
    })
  }
  await licenses.setPrivilegeCount('aslp', 4)
  await licenses.setPrivilegeCount('octp', 0)
  await licenses.setPrivilegeCount('coun', 0)
}

/** §9.11: the fixed QA public key of `qa-oh-key-1` for (`aslp`, `oh`). Test-only; never deploy it. */
export const QA_OH_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEmhQMLOIPiMmzwTuEILF5Gcv9IGE7
sNN2XPOyuBBEfN7v1Bpnx8Pxl9wHEfJ+jnRHQo/+o/v+hbsbkGXCnnERMg==
-----END PUBLIC KEY-----
`
export const QA_OH_PRIVATE_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgDrOE/buEctemnQeR
atvjPplpylkSLLCKatHnMdzgEAmhRANCAASaFAws4g+IybPBO4QgsXkZy/0gYTuw
03Zc87K4EER83u/UGmfHw/GX3AcR8n6OdEdCj/6j+/6FuxuQZcKecREy
-----END PRIVATE KEY-----
`

export async function seedQaSignatureKeys(container: Container): Promise<void> {
  await container.services.signatures.putKey('aslp', 'oh', 'qa-oh-key-1', QA_OH_PUBLIC_KEY)
}
