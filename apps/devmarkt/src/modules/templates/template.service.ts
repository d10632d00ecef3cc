import type { Database } from '@hearth/kernel'
import { Failure, failure } from '../shared/failure.ts'
import { isUniqueViolation } from '../shared/database-errors.ts'
import { templateRepository, type TemplateRecord } from './template.repository.ts'
import { ambiguousNumbers, applyUpdateActions, type QuestionDraft, type QuestionUpdate } from './template.rules.ts'

export interface TemplateUpdate {
  name?: string | null
  questions: QuestionUpdate[]
}

/** Templates are versioned: delete disables the row, update disables it and inserts a new version. */
export class TemplateService {
  constructor(private readonly database: Database) {}

  /** Enabled templates by name; `withQuestions: false` is the original's names-only shortcut. */
  list(options: { withQuestions: boolean }): Promise<Pick<TemplateRecord, 'id' | 'name'>[] | TemplateRecord[]> {
    return options.withQuestions ? templateRepository.enabledWithQuestions(this.database.db) : templateRepository.enabledNames(this.database.db)
  }

  async byName(name: string): Promise<TemplateRecord | Failure> {
    return (await templateRepository.enabledByName(this.database.db, name)) ?? failure('NOT_FOUND')
  }

  async create(name: string, questions: QuestionDraft[]): Promise<TemplateRecord | Failure> {
    try {
      return await this.database.transaction(async (tx) => {
        if (await templateRepository.enabledByName(tx, name)) return failure('DUPLICATED')
        const ambiguous = ambiguousNumbers(questions)
        if (ambiguous.length > 0) return new Failure(ambiguous)
        return templateRepository.insert(tx, name, questions)
      })
    } catch (error) {
      if (isUniqueViolation(error)) return failure('DUPLICATED') // a concurrent create won the name
      throw error
    }
  }

  delete(name: string): Promise<boolean> {
    return templateRepository.disableEnabledByName(this.database.db, name)
  }

  /** One transaction: a refused rename leaves the old version enabled (the original did not). */
  async update(name: string, update: TemplateUpdate): Promise<TemplateRecord | Failure> {
    try {
      return await this.database.transaction(async (tx) => {
        const current = await templateRepository.enabledByName(tx, name, { forUpdate: true })
        if (!current) return failure('NOT_FOUND')
        const newName = update.name ?? current.name
        if (newName !== current.name && (await templateRepository.enabledByName(tx, newName))) return failure('DUPLICATED')
        const drafts = applyUpdateActions(current.questions, update.questions)
        const ambiguous = ambiguousNumbers(drafts)
        if (ambiguous.length > 0) return new Failure(ambiguous)
        await templateRepository.disable(tx, current.id)
        return templateRepository.insert(tx, newName, drafts)
      })
    } catch (error) {
      if (isUniqueViolation(error)) return failure('DUPLICATED')
      throw error
    }
  }
}
