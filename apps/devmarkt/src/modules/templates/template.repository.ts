import { and, asc, eq, inArray, type Db } from '@hearth/kernel'
import { questions, templates } from '../../db/schema.ts'
import type { QuestionDraft } from './template.rules.ts'

export interface QuestionRow extends QuestionDraft {
  id: number
  templateId: number
}

export interface TemplateRecord {
  id: number
  name: string
  questions: QuestionRow[]
}

const questionColumns = {
  id: questions.id,
  templateId: questions.templateId,
  number: questions.number,
  question: questions.question,
  multiline: questions.multiline,
  minAnswerLength: questions.minAnswerLength,
}

/** Plain code-unit order, as Java's String.compareTo (not the database collation, not localeCompare). */
const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)

/** Rows of `templates LEFT JOIN questions` (ordered by question number) folded into records. */
function fold(rows: { id: number; name: string | null; question: QuestionRow | null }[]): TemplateRecord[] {
  const byId = new Map<number, TemplateRecord>()
  for (const row of rows) {
    let record = byId.get(row.id)
    if (!record) byId.set(row.id, (record = { id: row.id, name: row.name ?? '', questions: [] }))
    if (row.question) record.questions.push(row.question)
  }
  return [...byId.values()]
}

export const templateRepository = {
  async enabledNames(db: Db): Promise<{ id: number; name: string }[]> {
    const rows = await db.select({ id: templates.id, name: templates.name }).from(templates).where(eq(templates.enabled, true))
    return rows.map((row) => ({ id: row.id, name: row.name ?? '' })).sort(byName)
  },

  /** Every enabled template with its questions, in one query. */
  async enabledWithQuestions(db: Db): Promise<TemplateRecord[]> {
    const rows = await db
      .select({ id: templates.id, name: templates.name, question: questionColumns })
      .from(templates)
      .leftJoin(questions, eq(questions.templateId, templates.id))
      .where(eq(templates.enabled, true))
      .orderBy(asc(templates.id), asc(questions.number))
    return fold(rows).sort(byName)
  },

  async enabledByName(db: Db, name: string, options: { forUpdate?: boolean } = {}): Promise<TemplateRecord | undefined> {
    const query = db
      .select({ id: templates.id, name: templates.name })
      .from(templates)
      .where(and(eq(templates.enabled, true), eq(templates.name, name)))
    const [template] = options.forUpdate ? await query.for('update') : await query
    if (!template) return undefined
    const rows = await db.select(questionColumns).from(questions).where(eq(questions.templateId, template.id)).orderBy(asc(questions.number))
    return { id: template.id, name: template.name ?? '', questions: rows }
  },

  /** Templates by id, enabled or not (an application keeps the version it was written against). */
  async byIds(db: Db, ids: readonly number[]): Promise<TemplateRecord[]> {
    const rows = await db
      .select({ id: templates.id, name: templates.name, question: questionColumns })
      .from(templates)
      .leftJoin(questions, eq(questions.templateId, templates.id))
      .where(inArray(templates.id, [...ids]))
      .orderBy(asc(templates.id), asc(questions.number))
    return fold(rows)
  },

  async questionsByIds(db: Db, ids: readonly number[]): Promise<QuestionRow[]> {
    return db.select(questionColumns).from(questions).where(inArray(questions.id, [...ids]))
  },

  async disableEnabledByName(db: Db, name: string): Promise<boolean> {
    const rows = await db
      .update(templates)
      .set({ enabled: false })
      .where(and(eq(templates.enabled, true), eq(templates.name, name)))
      .returning({ id: templates.id })
    return rows.length > 0
  },

  async disable(db: Db, id: number): Promise<void> {
    await db.update(templates).set({ enabled: false }).where(eq(templates.id, id))
  },

  async insert(db: Db, name: string, drafts: readonly QuestionDraft[]): Promise<TemplateRecord> {
    const [template] = await db.insert(templates).values({ name, enabled: true }).returning({ id: templates.id })
    const id = template!.id
    const rows =
      drafts.length === 0
        ? []
        : await db
            .insert(questions)
            .values(drafts.map((draft) => ({ templateId: id, number: draft.number, question: draft.question, multiline: draft.multiline, minAnswerLength: draft.minAnswerLength })))
            .returning(questionColumns)
    return { id, name, questions: rows.sort((a, b) => a.number - b.number) }
  },
}
