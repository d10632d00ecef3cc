import type { FastifyInstance } from 'fastify'
import type { Container } from '../src/container.ts'
import { staffScopes } from '../src/permissions.ts'
import { seedQa } from './qa.ts'
import { providerIdOf } from './qa-providers.ts'

/**
 * The demo data for `npm start`: the QA dataset of spec §9 (small, and every core rule has a subject; P7 Victor Hale
 * is the encumbered provider: an unlifted `co` suspension on his license), plus a military affiliation waiting for a
 * compact admin's audit: P1 Harriet Quimby has uploaded her orders and is `tentative`.
 */
export async function seedDemo(container: Container): Promise<void> {
  await seedQa(container)
  await seedPendingMilitaryAffiliation(container)
}

/** cc-enforcement: P1's uploaded (active) military record and her `tentative` status, as a document upload leaves them (§4.11). */
async function seedPendingMilitaryAffiliation(container: Container): Promise<void> {
  const at = new Date('2026-01-20T15:00:00+00:00')
  const providerId = providerIdOf(1)
  const db = container.database.db
  await container.repositories.enforcement.insertMilitaryAffiliation(db, {
    providerId,
    compact: 'aslp',
    affiliationType: 'militaryMemberSpouse',
    fileNames: ['spouse-orders.pdf'],
    documentKeys: [`compact/aslp/provider/${providerId}/document-type/military-affiliations/2026-01-20/a0000000-0000-4000-8000-000000000002#spouse-orders.pdf`],
    dateOfUpload: at,
    status: 'active',
    dateOfUpdate: at,
  })
  await container.repositories.licenses.updateProvider(db, providerId, { militaryStatus: 'tentative', militaryStatusNote: '', dateOfUpdate: at, providerDateOfUpdate: at })
}

/**
 * Ready-to-paste credentials for the start banner: tokens of the built-in identity service for seeded users (the
 * same tokens a sign-in gives), and a signed-upload hint. Empty when an external identity provider is configured.
 */
export async function demoCredentials(app: FastifyInstance, url: string): Promise<Record<string, string>> {
  const tokens = app.ccTokens
  const credentials: Record<string, string> = {}
  try {
    const compactAdmin = await tokens.mintStaffAccessToken({
      sub: 'e0000000-0000-4000-8000-000000000001',
      username: 'alma.abbott@example.org',
      scopes: staffScopes([{ compact: 'aslp', permissions: { actions: ['admin'], jurisdictions: {} } }]),
    })
    const ohAdmin = await tokens.mintStaffAccessToken({
      sub: 'e0000000-0000-4000-8000-000000000002',
      username: 'owen.barnes@example.org',
      scopes: staffScopes([{ compact: 'aslp', permissions: { actions: [], jurisdictions: { oh: ['admin', 'write', 'readPrivate'] } } }]),
    })
    const practitioner = await tokens.mintProviderIdToken({
      sub: 'd0000000-0000-4000-8000-000000000001',
      username: 'harriet.quimby@example.org',
      email: 'harriet.quimby@example.org',
      compact: 'aslp',
      providerId: providerIdOf(1),
    })
    credentials['aslp compact admin (S1) — Authorization'] = `Bearer ${compactAdmin}`
    credentials['oh state admin + writer (S2) — Authorization'] = `Bearer ${ohAdmin}`
    credentials['practitioner P1 (ID token) — Authorization'] = `Bearer ${practitioner}`
    credentials['Upload licenses (as S2)'] =
      `curl -s -X POST ${url}/v1/compacts/aslp/jurisdictions/oh/licenses -H 'content-type: application/json' -H 'authorization: Bearer ${ohAdmin}' -d '[{"ssn":"900-20-0001","licenseType":"speech-language pathologist","licenseStatus":"active","compactEligibility":"eligible","givenName":"Demo","familyName":"Person","dateOfIssuance":"2020-01-01","dateOfExpiration":"2040-01-01","dateOfBirth":"1980-01-01","homeAddressStreet1":"1 Main St","homeAddressCity":"Columbus","homeAddressState":"OH","homeAddressPostalCode":"43004"}]'`
  } catch {
    // external identity provider: sign in there
  }
  return credentials
}
