import type { Container } from '../src/container.ts'

/** §9.6 staff users and §9.8 provider identities, §9.11 app clients (CC-B fills this in). */
export async function seedQaStaff(_container: Container): Promise<void> {}
