import type { Database } from '@hearth/kernel'
import type { DevmarktCaches } from '../../cache/caches.ts'
import type { ApplicationStatus, EventPublisher } from '../../events.ts'
import { Failure, failure } from '../shared/failure.ts'
import type { TemplateRepository } from '../templates/template.repository.ts'
import type { ApplicationRepository, ApplicationRow } from './application.repository.ts'
import { validateAnswerUpdate, validateNewApplication, type RuleAnswer } from './application.rules.ts'

export class ApplicationService {
  constructor(
    private readonly database: Database,
    private readonly applications: ApplicationRepository,
    private readonly templates: TemplateRepository,
    private readonly events: EventPublisher,
    private readonly caches: Pick<DevmarktCaches, 'applicationWritten'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async byId(id: number): Promise<ApplicationRow | Failure> {
    const [row] = await this.applications.byIds(this.database.db, [id])
    return row ?? failure('NOT_FOUND')
  }

  /** Validates and stores a new application for `userId`, then announces it. */
  async create(userId: number, templateName: string, answers: RuleAnswer[]): Promise<ApplicationRow | Failure> {
    const result = await this.database.transaction(async (tx) => {
      await this.applications.lockUser(tx, userId)
      if ((await this.applications.unprocessedOfUsers(tx, [userId])).length > 0) return failure('HAS_UNPROCESSED_APPLICATION')
      const template = await this.templates.enabledByName(tx, templateName)
      if (!template) return failure('TEMPLATE_NOT_FOUND')
      const errors = validateNewApplication(template.name, template.questions, answers)
      if (errors.length > 0) return new Failure(errors)
      return this.applications.insert(
        tx,
        userId,
        template.id,
        answers.map((answer) => ({ number: answer.number, answer: answer.answer, questionId: template.questions[answer.number]!.id })),
      )
    })
    if (!(result instanceof Failure)) await this.events.publish('applicationCreated', { id: result.id })
    return result
  }

  /** Rewrites answer texts of an application that is not accepted yet; the status stays as it is. */
  async update(id: number, updated: RuleAnswer[]): Promise<ApplicationRow | Failure> {
    const result = await this.database.transaction(async (tx) => {
      const application = await this.applications.byIdForUpdate(tx, id)
      if (!application) return failure('NOT_FOUND')
      if (application.status === 'ACCEPTED') return failure('ALREADY_ACCEPTED')
      const [template] = await this.templates.byIds(tx, [application.templateId])
      if (!template) return failure('TEMPLATE_NOT_FOUND')
      const stored = await this.applications.answersOf(tx, [id])
      const errors = validateAnswerUpdate(template.name, template.questions, stored, updated)
      if (errors.length > 0) return new Failure(errors)
      for (const answer of updated) await this.applications.updateAnswerText(tx, id, answer.number, answer.answer)
      return application
    })
    if (!(result instanceof Failure)) {
      this.caches.applicationWritten(id)
      await this.events.publish('applicationUpdated', { id })
    }
    return result
  }

  /** ACCEPTED or REJECTED (again, on purpose); false when nothing changed. */
  async process(id: number, status: ApplicationStatus): Promise<boolean> {
    if (status === 'UNPROCESSED') return false
    const changed = await this.applications.process(this.database.db, id, status, this.now())
    if (changed) {
      this.caches.applicationWritten(id)
      await this.events.publish('applicationProcessed', { id, status })
    }
    return changed
  }

  async delete(id: number): Promise<boolean> {
    const deleted = await this.applications.delete(this.database.db, id)
    if (deleted) {
      this.caches.applicationWritten(id)
      await this.events.publish('applicationDeleted', { id })
    }
    return deleted
  }
}
