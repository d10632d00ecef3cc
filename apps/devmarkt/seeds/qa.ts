import type { Database } from '@hearth/kernel'
import { writeSeed, type SeedData } from './seed-data.ts'

/**
 * The 506-character multi-line answer of the QA seed, byte for byte the original's fixture text
 * (spec §6.1, quoted there as a JSON string): its line feeds fall where the fixture has them, some
 * inside words ("Stet c\nlita"), and clients compare it exactly. (A JSON string literal is a valid
 * TypeScript one, so the line below is the spec's text unchanged.)
 */
export const LONG_ANSWER =
  'Lorem ipsum dolor sit amet, consetetur sadipscing elitr, sed diam nonumy eirmod tempor invidunt ut labore\net dolore magna aliquyam erat, sed diam voluptua. At vero eos et accusam et justo duo dolores et ea rebum. Stet c\nlita kasd gubergren, no sea takimata sanctus est Lorem ipsum dolor sit amet. Lorem ipsum dolor sit amet, consetetur sadipscing elitr, se\nd diam nonumy eirmod tempor invidunt ut labore et dolore magna aliquyam erat, sed diam voluptua. At vero eos et accusam et justo duo dolores et e\n N2'

const answers = ['Lorem ipsum dolor sit amet, co N0', 'Lorem ipsum dolor sit amet, co N1', LONG_ANSWER]

/** The conformance seed (spec §6.1): ids start at 1; the next application id is 7. */
export const qaSeed: SeedData = {
  templates: [
    {
      name: 'Dev searched',
      questions: [
        { question: 'Who are we?', multiline: false, minAnswerLength: 1 },
        { question: 'Why should you join us?', multiline: true, minAnswerLength: 100 },
        { question: 'What programming languages should you know?', multiline: false, minAnswerLength: 1 },
        { question: 'Custom text:', multiline: true, minAnswerLength: 30 },
      ],
    },
    {
      name: 'Dev offered',
      questions: [
        { question: 'Who am I?', multiline: false, minAnswerLength: 1 },
        { question: 'What programming language do I know?', multiline: false, minAnswerLength: 1 },
        { question: 'Why should you choose me?', multiline: true, minAnswerLength: 500 },
      ],
    },
    { name: 'Empty template', questions: [] },
  ],
  users: [
    { type: 'testuser', number: 1n, role: 'NONE' },
    { type: 'testuser', number: 2n, role: 'USER' },
    { type: 'testuser', number: 3n, role: 'USER' },
  ],
  applications: [
    { user: 0, template: 1, status: 'UNPROCESSED', answers },
    { user: 0, template: 2, status: 'ACCEPTED', answers: [] },
    { user: 0, template: 1, status: 'REJECTED', answers },
    { user: 1, template: 1, status: 'ACCEPTED', answers },
    { user: 1, template: 2, status: 'REJECTED', answers: [] },
    { user: 2, template: 2, status: 'UNPROCESSED', answers: [] },
  ],
}

export const seedQa = (database: Database) => writeSeed(database, qaSeed)
