// The QA seed behind `POST /qa/seedDatabase` (HEARTH_ENV=qa): the original's local data (spec §7),
// with fixed ids, so black-box suites can address the demo fundraiser, its donations and the three
// users (National admin, Demo team, expired security training) by id and email.
import type { Db } from '@hearth/kernel'
import { seedDemo } from './demo.ts'

export { DEMO_FUNDRAISER_ID, DEMO_GROUP_ID, NATIONAL_ADMIN_EMAIL, DEMO_ADMIN_EMAIL, EXPIRED_TRAINING_EMAIL, demoDonationIds } from './demo.ts'

export async function seedQa(db: Db): Promise<void> {
  await seedDemo(db)
}
