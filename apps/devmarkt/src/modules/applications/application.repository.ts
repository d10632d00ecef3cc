import { and, asc, eq, inArray, ne, sql, type Db } from '@hearth/kernel'
import { answers, applications, questions, users } from '../../db/schema.ts'
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

export const applicationRepository = {
  byIds(db: Db, ids: readonly number[]): Promise<ApplicationRow[]> {
    return db.select(applicationColumns).from(applications).where(inArray(applications.id, [...ids]))
  },

  async byIdForUpdate(db: Db, id: number): Promise<ApplicationRow | undefined> {
    const [row] = await db.select(applicationColumns).from(applications).where(eq(applications.id, id)).for('update')
    return row
  },

  /** Serialises a user's writes (one UNPROCESSED application at a time, even under concurrency). */
  async lockUser(db: Db, userId: number): Promise<boolean> {
    const rows = await db.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update')
    return rows.length > 0
  },

  unprocessedOfUsers(db: Db, userIds: readonly number[]): Promise<ApplicationRow[]> {
    return db
      .select(applicationColumns)
      .from(applications)
      .where(and(inArray(applications.userId, [...userIds]), eq(applications.status, 'UNPROCESSED')))
      .orderBy(asc(applications.id))
  },

  /**
   * A user's applications in a defined order (the original had none): those with answers first, by
   * their lowest answer id, then those without, each by application id. This reproduces the order
   * the original's fixtures show.
   */
  ofUsers(db: Db, userIds: readonly number[]): Promise<ApplicationRow[]> {
    const firstAnswer = sql`(SELECT min(${answers.id}) FROM ${answers} WHERE ${answers.applicationId} = ${applications.id})`
    return db
      .select(applicationColumns)
      .from(applications)
      .where(inArray(applications.userId, [...userIds]))
      .orderBy(sql`${firstAnswer} ASC NULLS LAST`, asc(applications.id))
  },

  /** Answers of the given applications with the exact question rows they answer, by number. */
  async answersOf(db: Db, applicationIds: readonly number[]): Promise<AnswerRecord[]> {
    return db
      .select({
        id: answers.id,
        number: answers.number,
        answer: answers.answer,
        applicationId: answers.applicationId,
        question: {
          id: questions.id,
          templateId: questions.templateId,
          number: questions.number,
          question: questions.question,
          multiline: questions.multiline,
          minAnswerLength: questions.minAnswerLength,
        },
      })
      .from(answers)
      .innerJoin(questions, eq(questions.id, answers.questionId))
      .where(inArray(answers.applicationId, [...applicationIds]))
      .orderBy(asc(answers.number), asc(answers.id))
  },

  async insert(db: Db, userId: number, templateId: number, answerRows: { number: number; answer: string; questionId: number }[]): Promise<ApplicationRow> {
    const [row] = await db.insert(applications).values({ userId, templateId, status: 'UNPROCESSED' }).returning(applicationColumns)
    if (answerRows.length > 0) await db.insert(answers).values(answerRows.map((answer) => ({ ...answer, applicationId: row!.id })))
    return row!
  },

  async updateAnswerText(db: Db, applicationId: number, number: number, text: string): Promise<void> {
    await db.update(answers).set({ answer: text }).where(and(eq(answers.applicationId, applicationId), eq(answers.number, number)))
  },

  /** Sets the status and the processing time, only when the status changes. */
  async process(db: Db, id: number, status: ApplicationStatus, at: Date): Promise<boolean> {
    const rows = await db
      .update(applications)
      .set({ status, processTime: at })
      .where(and(eq(applications.id, id), ne(applications.status, status)))
      .returning({ id: applications.id })
    return rows.length > 0
  },

  async delete(db: Db, id: number): Promise<boolean> {
    const rows = await db.delete(applications).where(eq(applications.id, id)).returning({ id: applications.id })
    return rows.length > 0
  },
}
