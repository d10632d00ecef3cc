import type { Database } from '@hearth/kernel'

export interface SeedQuestion {
  question: string
  multiline: boolean
  minAnswerLength: number
}

export interface SeedData {
  templates: { name: string; questions: SeedQuestion[] }[]
  /** Users after the built-in admin internal:1 (db id 1): type, number, role. */
  users: { type: string; number: bigint; role: 'ADMIN' | 'USER' | 'NONE' }[]
  /** Owner and template by position in the lists above (user 0 = the first seeded user). */
  applications: { user: number; template: number; status: 'UNPROCESSED' | 'REJECTED' | 'ACCEPTED'; answers: string[] }[]
}

/**
 * Writes seed data into a freshly migrated schema, in list order, so serial ids are predictable:
 * templates 1.., questions in order, users 2.. (after internal:1), applications 1.., answers in
 * application order.
 */
export async function writeSeed(database: Database, data: SeedData): Promise<void> {
  const templateIds: number[] = []
  const questionIds: number[][] = []
  for (const template of data.templates) {
    const [row] = await database.query<{ id: number }>('INSERT INTO templates (name, enabled) VALUES ($1, true) RETURNING id', [template.name])
    templateIds.push(row!.id)
    const ids: number[] = []
    for (const [number, question] of template.questions.entries()) {
      const [inserted] = await database.query<{ id: number }>('INSERT INTO questions (template_id, number, question, multiline, min_answer_length) VALUES ($1, $2, $3, $4, $5) RETURNING id', [
        row!.id,
        number,
        question.question,
        question.multiline,
        question.minAnswerLength,
      ])
      ids.push(inserted!.id)
    }
    questionIds.push(ids)
  }
  const userIds: number[] = []
  for (const user of data.users) {
    const [row] = await database.query<{ id: number }>('INSERT INTO users (id_type, user_id, role) VALUES ($1, $2, $3) RETURNING id', [user.type, user.number.toString(), user.role])
    userIds.push(row!.id)
  }
  for (const application of data.applications) {
    const [row] = await database.query<{ id: number }>('INSERT INTO applications (status, user_id, template_id) VALUES ($1, $2, $3) RETURNING id', [
      application.status,
      userIds[application.user],
      templateIds[application.template],
    ])
    for (const [number, answer] of application.answers.entries()) {
      await database.query('INSERT INTO answers (number, answer, question_id, application_id) VALUES ($1, $2, $3, $4)', [number, answer, questionIds[application.template]![number], row!.id])
    }
  }
}

/** True when the schema holds no templates yet (seeds only fill an empty database). */
export async function isEmpty(database: Database): Promise<boolean> {
  const [row] = await database.query<{ count: string | number }>('SELECT count(*) AS count FROM templates')
  return Number(row!.count) === 0
}
