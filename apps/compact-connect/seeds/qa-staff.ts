import type { Container } from '../src/container.ts'
import { hashSecret } from '../src/auth/passwords.ts'
import { famGivOf } from '../src/modules/staff-users/staff-users.repository.ts'

/** The password of every seeded identity, for the hosted login page (the QA token route ignores passwords, §9.6). */
export const QA_PASSWORD = 'qa-password-0001'

const SEEDED = new Date('2026-01-15T12:00:00+00:00')

interface StaffSeed {
  n: number
  email: string
  givenName: string
  familyName: string
  compact: string
  actions: string[]
  jurisdictions: Record<string, string[]>
  status: 'active' | 'inactive'
}

/** §9.6: S1–S10. `userId` = `sub` = `e0000000-0000-4000-8000-0000000000NN`. */
export const QA_STAFF: readonly StaffSeed[] = [
  { n: 1, email: 'alma.abbott@example.org', givenName: 'Alma', familyName: 'Abbott', compact: 'aslp', actions: ['admin'], jurisdictions: {}, status: 'active' },
  { n: 2, email: 'owen.barnes@example.org', givenName: 'Owen', familyName: 'Barnes', compact: 'aslp', actions: [], jurisdictions: { oh: ['admin', 'readPrivate', 'write'] }, status: 'active' },
  { n: 3, email: 'rita.chen@example.org', givenName: 'Rita', familyName: 'Chen', compact: 'aslp', actions: [], jurisdictions: {}, status: 'active' },
  { n: 4, email: 'walt.diaz@example.org', givenName: 'Walt', familyName: 'Diaz', compact: 'aslp', actions: [], jurisdictions: { oh: ['write'] }, status: 'active' },
  { n: 5, email: 'sasha.evans@example.org', givenName: 'Sasha', familyName: 'Evans', compact: 'aslp', actions: ['readSSN'], jurisdictions: {}, status: 'active' },
  { n: 6, email: 'omar.fischer@example.org', givenName: 'Omar', familyName: 'Fischer', compact: 'aslp', actions: [], jurisdictions: { oh: ['readSSN'] }, status: 'active' },
  { n: 7, email: 'kira.garcia@example.org', givenName: 'Kira', familyName: 'Garcia', compact: 'aslp', actions: [], jurisdictions: { ky: ['readSSN'] }, status: 'active' },
  { n: 8, email: 'nell.hughes@example.org', givenName: 'Nell', familyName: 'Hughes', compact: 'aslp', actions: [], jurisdictions: { ne: ['admin'] }, status: 'inactive' },
  { n: 9, email: 'mateo.ibarra@example.org', givenName: 'Mateo', familyName: 'Ibarra', compact: 'aslp', actions: [], jurisdictions: { oh: ['write'], md: ['admin'] }, status: 'inactive' },
  { n: 10, email: 'olive.jensen@example.org', givenName: 'Olive', familyName: 'Jensen', compact: 'octp', actions: ['admin', 'readPrivate'], jurisdictions: {}, status: 'active' },
]

const twoDigits = (n: number) => String(n).padStart(2, '0')
export const staffSub = (n: number) => `e0000000-0000-4000-8000-0000000000${twoDigits(n)}`
export const providerSub = (n: number) => `d0000000-0000-4000-8000-00000000000${n}`
export const seededProviderId = (n: number) => `c0000000-0000-4000-8000-00000000000${n}`

/** §9.8: U1–U4, U7, U8 (P5 and P6 have not registered). */
export const QA_PROVIDER_IDENTITIES: readonly { n: number; email: string }[] = [
  { n: 1, email: 'harriet.quimby@example.org' },
  { n: 2, email: 'theo.marsh@example.org' },
  { n: 3, email: 'rosa.delgado@example.org' },
  { n: 4, email: 'samuel.okoro@example.org' },
  { n: 7, email: 'victor.hale@example.org' },
  { n: 8, email: 'nadia.petrov@example.org' },
]

/** §9.11: the state app clients. */
export const QA_APP_CLIENTS = [
  { clientId: 'qa-oh-aslp', clientSecret: 'qa-oh-aslp-secret-0001', allowedScopes: ['oh/aslp.write', 'aslp/readGeneral'] },
  { clientId: 'qa-ky-aslp', clientSecret: 'qa-ky-aslp-secret-0002', allowedScopes: ['ky/aslp.write'] },
] as const

/** §9.6 staff users, §9.8 provider identities and §9.11 app clients, through the identity and staff-user repositories. */
export async function seedQaStaff(container: Container): Promise<void> {
  const db = container.database.db
  const { identities, staffUsers } = container.repositories
  // One hash for every seeded identity (scrypt is deliberately slow).
  const passwordHash = await hashSecret(QA_PASSWORD)
  // Rate-limit records are part of what a seed resets (§9.1).
  await container.services.rateLimits.reset()
  for (const staff of QA_STAFF) {
    const sub = staffSub(staff.n)
    await identities.insert(db, {
      sub,
      pool: 'staff',
      username: staff.email,
      email: staff.email,
      passwordHash,
      status: 'CONFIRMED',
      enabled: true,
      attributes: { given_name: staff.givenName, family_name: staff.familyName },
    })
    await staffUsers.insert(db, {
      userId: sub,
      compact: staff.compact,
      email: staff.email,
      givenName: staff.givenName,
      familyName: staff.familyName,
      famGiv: famGivOf(staff.familyName, staff.givenName),
      permissions: { actions: staff.actions, jurisdictions: staff.jurisdictions },
      status: staff.status,
      dateOfUpdate: SEEDED,
    })
  }
  for (const provider of QA_PROVIDER_IDENTITIES) {
    await identities.insert(db, {
      sub: providerSub(provider.n),
      pool: 'provider',
      username: provider.email,
      email: provider.email,
      passwordHash,
      status: 'CONFIRMED',
      enabled: true,
      attributes: { 'custom:compact': 'aslp', 'custom:providerId': seededProviderId(provider.n) },
    })
  }
  for (const client of QA_APP_CLIENTS) await container.services.identity.registerAppClient(client.clientId, client.clientSecret, [...client.allowedScopes])
}
