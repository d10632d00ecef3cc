import type { Container } from '../src/container.ts'
import { seedQa } from './qa.ts'

/** Banner lines for `npm start` (`{url}` is replaced by the app's URL). */
export const DEMO_CREDENTIALS: Record<string, string> = {}

/** The demo data for `npm start`: the QA dataset (small, and every core rule has a subject). */
export async function seedDemo(container: Container): Promise<void> {
  await seedQa(container)
}
