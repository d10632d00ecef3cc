import { isDatabaseFailure, type Database } from '@hearth/kernel'
import type { DevmarktCaches } from '../../cache/caches.ts'
import { Failure, failure } from '../shared/failure.ts'
import type { TemplateRecord, TemplateRepository } from './template.repository.ts'
import { ambiguousNumbers, applyUpdateActions, type QuestionDraft, type QuestionUpdate } from './template.rules.ts'

export interface TemplateUpdate {
  name?: string | null
  questions: QuestionUpdate[]
}

/**
 * Templates are versioned: delete disables the row, update disables it and inserts a new version.
 * The enabled templates (with questions) are cached (`DevmarktCaches.templates`); every change
 * clears that cache here and, through the bus, in every other process, after its commit.
 */
export class TemplateService {
  constructor(
    private readonly database: Database,
    private readonly templates: TemplateRepository,
    private readonly caches: DevmarktCaches,
  ) {}

  /** Enabled templates by name, with their questions (shared, read-only records). */
  async list(): Promise<readonly TemplateRecord[]> {
    return (await this.caches.templates.getOrLoad('enabled', () => this.templates.enabledWithQuestions(this.database.db))) ?? []
  }

  async byName(name: string): Promise<TemplateRecord | Failure> {
    return (await this.list()).find((template) => template.name === name) ?? failure('NOT_FOUND')
  }

  async create(name: string, questions: QuestionDraft[]): Promise<TemplateRecord | Failure> {
    return this.changed(await this.insert(name, questions))
  }

  async delete(name: string): Promise<boolean> {
    const deleted = await this.templates.disableEnabledByName(this.database.db, name)
    if (deleted) await this.caches.templatesChanged()
    return deleted
  }

  async update(name: string, update: TemplateUpdate): Promise<TemplateRecord | Failure> {
    return this.changed(await this.replace(name, update))
  }

  /** Called after the transaction committed: drops the cached list here and in every process. */
  private async changed(result: TemplateRecord | Failure): Promise<TemplateRecord | Failure> {
    if (!(result instanceof Failure)) await this.caches.templatesChanged()
    return result
  }

  private async insert(name: string, questions: QuestionDraft[]): Promise<TemplateRecord | Failure> {
    try {
      return await this.database.transaction(async (tx) => {
        if (await this.templates.enabledByName(tx, name)) return failure('DUPLICATED')
        const ambiguous = ambiguousNumbers(questions)
        if (ambiguous.length > 0) return new Failure(ambiguous)
        return this.templates.insert(tx, name, questions)
      })
    } catch (error) {
      if (isDatabaseFailure(error, 'unique')) return failure('DUPLICATED') // a concurrent create won the name
      throw error
    }
  }

  /** One transaction: a refused rename leaves the old version enabled (the original did not). */
  private async replace(name: string, update: TemplateUpdate): Promise<TemplateRecord | Failure> {
    try {
      return await this.database.transaction(async (tx) => {
        const current = await this.templates.enabledByName(tx, name, { forUpdate: true })
        if (!current) return failure('NOT_FOUND')
        const newName = update.name ?? current.name
        if (newName !== current.name && (await this.templates.enabledByName(tx, newName))) return failure('DUPLICATED')
        const drafts = applyUpdateActions(current.questions, update.questions)
        const ambiguous = ambiguousNumbers(drafts)
        if (ambiguous.length > 0) return new Failure(ambiguous)
        await this.templates.disable(tx, current.id)
        return this.templates.insert(tx, newName, drafts)
      })
    } catch (error) {
      if (isDatabaseFailure(error, 'unique')) return failure('DUPLICATED')
      throw error
    }
  }
}
