import { and, eq, type Db, defineStatement, runStatement } from '@hearth/kernel'
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

interface JoinedRow {
  id: number
  name: string | null
  question_id: number | null
  number: number | null
  question: string | null
  multiline: boolean | null
  min_answer_length: number | null
}

const joined = `SELECT t.id, t.name, q.id AS question_id, q.number, q.question, q.multiline, q.min_answer_length
  FROM templates t LEFT JOIN questions q ON q.template_id = t.id`
const statements = {
  enabledWithQuestions: defineStatement('devmarkt_templates_enabled', `${joined} WHERE t.enabled ORDER BY t.id, q.number`),
  lockEnabledByName: defineStatement('devmarkt_template_lock_by_name', 'SELECT id FROM templates WHERE enabled AND name = $1 FOR UPDATE'),
  enabledByName: defineStatement('devmarkt_template_by_name', `${joined} WHERE t.enabled AND t.name = $1 ORDER BY t.id, q.number`),
  byIds: defineStatement('devmarkt_templates_by_ids', `${joined} WHERE t.id = ANY($1::int[]) ORDER BY t.id, q.number`),
}

/** Rows of `templates LEFT JOIN questions` (ordered by template, then question number) folded into records. */
function fold(list: JoinedRow[]): TemplateRecord[] {
  const byId = new Map<number, TemplateRecord>()
  for (const row of list) {
    const id = Number(row.id)
    let record = byId.get(id)
    if (!record) byId.set(id, (record = { id, name: row.name ?? '', questions: [] }))
    if (row.question_id !== null) {
      record.questions.push({
        id: Number(row.question_id),
        templateId: id,
        number: Number(row.number),
        question: row.question!,
        multiline: Boolean(row.multiline),
        minAnswerLength: Number(row.min_answer_length),
      })
    }
  }
  return [...byId.values()]
}

/** Every SQL statement of the feature; each method runs on the `Db` it is given (the pool or a transaction). */
export class TemplateRepository {
  /** Every enabled template with its questions, in one query. */
  async enabledWithQuestions(db: Db): Promise<TemplateRecord[]> {
    return fold(await runStatement<JoinedRow>(db, statements.enabledWithQuestions, [])).sort(byName)
  }

  async enabledByName(db: Db, name: string, options: { forUpdate?: boolean } = {}): Promise<TemplateRecord | undefined> {
    if (options.forUpdate) await runStatement(db, statements.lockEnabledByName, [name])
    return fold(await runStatement<JoinedRow>(db, statements.enabledByName, [name]))[0]
  }

  /** Templates by id, enabled or not (an application keeps the version it was written against). */
  async byIds(db: Db, ids: readonly number[]): Promise<TemplateRecord[]> {
    return fold(await runStatement<JoinedRow>(db, statements.byIds, [ids]))
  }

  async disableEnabledByName(db: Db, name: string): Promise<boolean> {
    const rows = await db
      .update(templates)
      .set({ enabled: false })
      .where(and(eq(templates.enabled, true), eq(templates.name, name)))
      .returning({ id: templates.id })
    return rows.length > 0
  }

  async disable(db: Db, id: number): Promise<void> {
    await db.update(templates).set({ enabled: false }).where(eq(templates.id, id))
  }

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
  }
}
