import type { Container } from '../src/container.ts'
import { COMPACT_DEFINITIONS, jurisdictionName, type Compact, type Jurisdiction } from '../src/domain/compacts.ts'

/** `S` of spec §9.1: every seeded record without a time of its own has this `dateOfUpdate`. */
const S = new Date('2026-01-15T12:00:00+00:00')

/** §9.3: compact configuration (`coun` has none). */
const COMPACTS: {
  compact: Compact
  feeAmount: number
  transactionFee: number | null
  registration: boolean
  configuredStates: { postalAbbreviation: string; isLive: boolean }[]
  processor?: { publicClientKey: string; apiLoginId: string; transactionKey: string }
}[] = [
  {
    compact: 'aslp',
    feeAmount: 50.5,
    transactionFee: 5,
    registration: true,
    configuredStates: [
      { postalAbbreviation: 'co', isLive: true },
      { postalAbbreviation: 'ky', isLive: true },
      { postalAbbreviation: 'ne', isLive: true },
      { postalAbbreviation: 'oh', isLive: true },
      { postalAbbreviation: 'al', isLive: false },
    ],
    processor: { publicClientKey: 'qa-aslp-public-client-key', apiLoginId: 'qa-aslp-api-login-id', transactionKey: 'qa-aslp-transaction-key' },
  },
  { compact: 'octp', feeAmount: 25, transactionFee: null, registration: false, configuredStates: [] },
]

/** §9.4: `aslp` jurisdictions: the same fee for `aud` and `slp`; jurisprudence link when required. */
const ASLP_JURISDICTIONS: { code: Jurisdiction; amount: number; militaryRate: number | null; jurisprudence: string | null }[] = [
  { code: 'co', amount: 100, militaryRate: null, jurisprudence: null },
  { code: 'ky', amount: 200, militaryRate: null, jurisprudence: 'https://example.org/ky/jurisprudence' },
  { code: 'ne', amount: 75, militaryRate: 60, jurisprudence: null },
  { code: 'oh', amount: 50, militaryRate: 40, jurisprudence: 'https://example.org/oh/jurisprudence' },
  { code: 'al', amount: 30, militaryRate: null, jurisprudence: null },
]

/** §9.5: `aslp` attestations (locale `en`, required, version 1; `jurisprudence-confirmation` also version 2). */
export const QA_ATTESTATIONS: { attestationId: string; displayName: string; description: string }[] = [
  { attestationId: 'jurisprudence-confirmation', displayName: 'Jurisprudence confirmation', description: "The practitioner has read the member state's jurisprudence material." },
  { attestationId: 'scope-of-practice-attestation', displayName: 'Scope of practice', description: "The practitioner will follow each privilege state's practice act." },
  { attestationId: 'personal-information-home-state-attestation', displayName: 'Home state residence', description: 'The practitioner lives in the home state shown.' },
  { attestationId: 'personal-information-address-attestation', displayName: 'Current address', description: 'The address on file is current and accepts service.' },
  { attestationId: 'discipline-no-current-encumbrance-attestation', displayName: 'No current encumbrance', description: 'No license is currently encumbered.' },
  { attestationId: 'discipline-no-prior-encumbrance-attestation', displayName: 'No encumbrance in two years', description: 'No license was encumbered in the last two years.' },
  { attestationId: 'provision-of-true-information-attestation', displayName: 'True information', description: 'Everything submitted is true.' },
  { attestationId: 'not-under-investigation-attestation', displayName: 'Not under investigation', description: 'The practitioner is not under investigation.' },
  { attestationId: 'under-investigation-attestation', displayName: 'Under investigation', description: 'The practitioner is under investigation.' },
  { attestationId: 'military-affiliation-confirmation-attestation', displayName: 'Military documents accurate', description: 'The uploaded military documents are accurate.' },
  {
    attestationId: 'military-personal-information-state-license-attestation',
    displayName: 'Military home-state license',
    description: 'The (military) practitioner holds an eligible home-state license.',
  },
]

const list = (kind: string, owner: string) => [`${kind}@${owner}.example.org`]

/**
 * §9.2–§9.5: the live subset, compact and `aslp` jurisdiction configuration, the stored processor secret and the
 * attestations. Also empties the local Authorize.Net fake's ledger (§9.1), so transaction ids restart at
 * 120000000101.
 */
export async function seedQaConfiguration(container: Container): Promise<void> {
  const db = container.database.db
  const repositories = container.repositories
  for (const entry of COMPACTS) {
    await repositories.configuration.upsertCompact(db, {
      compact: entry.compact,
      compactName: COMPACT_DEFINITIONS[entry.compact].name,
      compactCommissionFee: { feeType: 'FLAT_RATE', feeAmount: entry.feeAmount },
      transactionFeeConfiguration: entry.transactionFee === null ? null : { licenseeCharges: { active: true, chargeType: 'FLAT_FEE_PER_PRIVILEGE', chargeAmount: entry.transactionFee } },
      compactOperationsTeamEmails: list('ops', entry.compact),
      compactAdverseActionsNotificationEmails: list('adverse', entry.compact),
      compactSummaryReportNotificationEmails: list('reports', entry.compact),
      licenseeRegistrationEnabled: entry.registration,
      configuredStates: entry.configuredStates,
      paymentProcessorPublicFields: entry.processor ? { publicClientKey: entry.processor.publicClientKey, apiLoginId: entry.processor.apiLoginId } : null,
      dateOfUpdate: S,
    })
    if (entry.processor) {
      await container.services.configuration.saveCredentials(entry.compact, { processor: 'authorize.net', ...entry.processor }, S)
    }
  }
  for (const entry of ASLP_JURISDICTIONS) {
    await repositories.configuration.upsertJurisdiction(db, {
      compact: 'aslp',
      jurisdiction: entry.code,
      jurisdictionName: jurisdictionName(entry.code),
      privilegeFees: COMPACT_DEFINITIONS.aslp.licenseTypes.map((type) => ({ licenseTypeAbbreviation: type.abbreviation, amount: entry.amount, militaryRate: entry.militaryRate })),
      jurisdictionOperationsTeamEmails: list('ops', entry.code),
      jurisdictionAdverseActionsNotificationEmails: list('adverse', entry.code),
      jurisdictionSummaryReportNotificationEmails: list('reports', entry.code),
      licenseeRegistrationEnabled: true,
      jurisprudenceRequirements: { required: entry.jurisprudence !== null, linkToDocumentation: entry.jurisprudence },
      dateOfUpdate: S,
    })
  }
  const attestations = container.services.attestations
  for (const attestation of QA_ATTESTATIONS) {
    await attestations.addVersion({
      compact: 'aslp',
      ...attestation,
      required: true,
      version: 1,
      text: `QA text for ${attestation.attestationId}, version 1.`,
      dateCreated: new Date('2024-01-01T00:00:00+00:00'),
    })
  }
  const jurisprudence = QA_ATTESTATIONS[0]!
  await attestations.addVersion({
    compact: 'aslp',
    ...jurisprudence,
    required: true,
    version: 2,
    text: `QA text for ${jurisprudence.attestationId}, version 2.`,
    dateCreated: new Date('2025-06-01T00:00:00+00:00'),
  })
  await container.services.payments.resetFake()
}
