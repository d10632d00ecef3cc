import { and, eq, ne, type Db, defineStatement, runStatement } from '@hearth/kernel'
import { answers, applications } from '../../db/schema.ts'
import { toDate } from '../shared/rows.ts'
import type { ApplicationStatus } from '../../events.ts'
import type { QuestionRow } from '../templates/template.repository.ts'

export interface ApplicationRow {
  id: number
  processTime: Date | null
  status: ApplicationStatus
  userId: number
  templateId: number
}

export interface AnswerRecord {
  id: number
  number: number
  answer: string
  applicationId: number
  question: QuestionRow
}

const applicationColumns = {
  id: applications.id,
  processTime: applications.processTime,
  status: applications.status,
  userId: applications.userId,
  templateId: applications.templateId,
}

interface ApplicationRecord {
  id: number
  process_time: Date | string | null
  status: ApplicationStatus
  user_id: number
  template_id: number
}

const toApplication = (row: ApplicationRecord): ApplicationRow => ({
  id: Number(row.id),
  processTime: toDate(row.process_time),
  status: row.status,
  userId: Number(row.user_id),
  templateId: Number(row.template_id),
})

const selectApplications = 'SELECT id, process_time, status::text AS status, user_id, template_id FROM applications'
const statements = {
  byIds: defineStatement('devmarkt_applications_by_ids', `${selectApplications} WHERE id = ANY($1::int[])`),
  byIdForUpdate: defineStatement('devmarkt_application_for_update', `${selectApplications} WHERE id = $1 FOR UPDATE`),
  lockUser: defineStatement('devmarkt_user_lock', 'SELECT id FROM users WHERE id = $1 FOR UPDATE'),
  unprocessedOfUsers: defineStatement('devmarkt_applications_unprocessed', `${selectApplications} WHERE user_id = ANY($1::int[]) AND status = 'UNPROCESSED' ORDER BY id`),
  ofUsers: {
    name: 'devmarkt_applications_of_users',
    text: `${selectApplications} a WHERE user_id = ANY($1::int[])
           ORDER BY (SELECT min(b.id) FROM answers b WHERE b.application_id = a.id) ASC NULLS LAST, a.id`,
  },
  answersOf: {
    name: 'devmarkt_answers_of',
    text: `SELECT a.id, a.number, a.answer, a.application_id, q.id AS question_id, q.template_id, q.number AS question_number,
                  q.question, q.multiline, q.min_answer_length
             FROM answers a JOIN questions q ON q.id = a.question_id
            WHERE a.application_id = ANY($1::int[])
            ORDER BY a.number, a.id`,
  },
}

/** Every SQL statement of the feature; each method runs on the `Db` it is given (the pool or a transaction). */
export class ApplicationRepository {
  async byIds(db: Db, ids: readonly number[]): Promise<ApplicationRow[]> {
    return (await runStatement<ApplicationRecord>(db, statements.byIds, [ids])).map(toApplication)
  }

  async byIdForUpdate(db: Db, id: number): Promise<ApplicationRow | undefined> {
    const [row] = await runStatement<ApplicationRecord>(db, statements.byIdForUpdate, [id])
    return row && toApplication(row)
  }

  /** Serialises a user's writes (one UNPROCESSED application at a time, even under concurrency). */
  async lockUser(db: Db, userId: number): Promise<boolean> {
    return (await runStatement(db, statements.lockUser, [userId])).length > 0
  }

  async unprocessedOfUsers(db: Db, userIds: readonly number[]): Promise<ApplicationRow[]> {
    return (await runStatement<ApplicationRecord>(db, statements.unprocessedOfUsers, [userIds])).map(toApplication)
  }

  /**
   * A user's applications in a defined order (the original had none): those with answers first, by
   * their lowest answer id, then those without, each by application id. This reproduces the order
   * the original's fixtures show.
   */
  async ofUsers(db: Db, userIds: readonly number[]): Promise<ApplicationRow[]> {
    return (await runStatement<ApplicationRecord>(db, statements.ofUsers, [userIds])).map(toApplication)
  }

  /** Answers of the given applications with the exact question rows they answer, by number. */
  async answersOf(db: Db, applicationIds: readonly number[]): Promise<AnswerRecord[]> {
    const list = await runStatement<{
      id: number
      number: number
      answer: string
      application_id: number
      question_id: number
      template_id: number
      question_number: number
      question: string
      multiline: boolean
      min_answer_length: number
    }>(db, statements.answersOf, [applicationIds])
    return list.map((row) => ({
      id: Number(row.id),
      number: Number(row.number),
      answer: row.answer,
      applicationId: Number(row.application_id),
      question: {
        id: Number(row.question_id),
        templateId: Number(row.template_id),
        number: Number(row.question_number),
        question: row.question,
        multiline: Boolean(row.multiline),
        minAnswerLength: Number(row.min_answer_length),
      },
    }))
  }

  async insert(db: Db, userId: number, templateId: number, answerRows: { number: number; answer: string; questionId: number }[]): Promise<ApplicationRow> {
    const [row] = await db.insert(applications).values({ userId, templateId, status: 'UNPROCESSED' }).returning(applicationColumns)
    if (answerRows.length > 0) await db.insert(answers).values(answerRows.map((answer) => ({ ...answer, applicationId: row!.id })))
    return row!
  }

  async updateAnswerText(db: Db, applicationId: number, number: number, text: string): Promise<void> {
    await db
      .update(answers)
      .set({ answer: text })
      .where(and(eq(answers.applicationId, applicationId), eq(answers.number, number)))
  }

  /** Sets the status and the processing time, only when the status changes. */
  async process(db: Db, id: number, status: ApplicationStatus, at: Date): Promise<boolean> {
    const rows = await db
      .update(applications)
      .set({ status, processTime: at })
      .where(and(eq(applications.id, id), ne(applications.status, status)))
      .returning({ id: applications.id })
    return rows.length > 0
  }

  async delete(db: Db, id: number): Promise<boolean> {
    const rows = await db.delete(applications).where(eq(applications.id, id)).returning({ id: applications.id })
    return rows.length > 0
  }
}
