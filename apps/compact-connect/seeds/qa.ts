import type { Container } from '../src/container.ts'
import { seedQaConfiguration } from './qa-configuration.ts'
import { seedQaStaff } from './qa-staff.ts'
import { seedQaProviders, seedQaSignatureKeys } from './qa-providers.ts'

/**
 * The QA dataset of spec §9, loaded after `POST /qa/seedDatabase` has reset the schema. Configuration (§9.3–§9.5,
 * CC-C) and identities/staff (§9.6, §9.8, §9.11, CC-B) come from their modules; providers (§9.7) and the signature
 * key of §9.11 are loaded here.
 */
export async function seedQa(container: Container): Promise<void> {
  await seedQaConfiguration(container)
  await seedQaStaff(container)
  await seedQaProviders(container)
  await seedQaSignatureKeys(container)
  await container.services.featureFlags.seed() // cc-ingest: §4.16 flags as defined for this environment
}
