import type { Database } from '@hearth/kernel'
import { qaSeed } from './qa.ts'
import { writeSeed, type SeedData } from './seed-data.ts'

const pitch =
  'I have been writing TypeScript and Kotlin for six years, mostly backends: GraphQL APIs, queues, and the odd Discord bot. ' +
  'I care about tests that catch real bugs, about readable code, and about shipping small changes often.\n' +
  'Recently I moved a monolith to PostgreSQL-backed services without downtime, wrote the runbooks, and mentored two juniors through it. ' +
  'I enjoy pairing, reviewing and explaining why a design is the way it is.\n' +
  "I'm looking for a friendly team with an open-source mindset, a sensible on-call rota and room to learn. Remote or Berlin both work for me."

/** `npm start`'s data: the QA seed's shape (same users, so the banner's tokens work) in friendlier words. */
export const demoSeed: SeedData = {
  ...qaSeed,
  applications: [
    { user: 0, template: 1, status: 'UNPROCESSED', answers: ['Alex, backend developer', 'TypeScript, Kotlin and a little Rust', pitch] },
    { user: 0, template: 2, status: 'ACCEPTED', answers: [] },
    { user: 0, template: 1, status: 'REJECTED', answers: ['Alex, junior developer', 'Java', pitch] },
    { user: 1, template: 1, status: 'ACCEPTED', answers: ['Sam, full-stack developer', 'TypeScript and Go', pitch] },
    { user: 1, template: 2, status: 'REJECTED', answers: [] },
    { user: 2, template: 2, status: 'UNPROCESSED', answers: [] },
  ],
}

export const seedDemo = (database: Database) => writeSeed(database, demoSeed)
