import { errors, type Database } from '@hearth/kernel'
import { ulid, type AuditContext } from '@hearth/kernel/audit'
import type { JobRunner } from '@hearth/kernel/jobs'
import type { UserRow } from '../../db/schema.ts'
import { auditWrite, transaction } from '../../db/transaction.ts'
import type { UserCreationT, UserEditsT, UserT } from '../../http/schemas.ts'
import type { RaiseJobs } from '../../jobs.ts'
import { newUserEmail } from '../../emails/new-user.ts'
import { toUserView } from '../../mappers.ts'
import type { UserRepository } from './user.repository.ts'

export interface UserEmailSettings {
  production: boolean
  fromAddress: string
  loginUrl: string
}

export class UserService {
  constructor(
    private readonly database: Database,
    private readonly users: UserRepository,
    private readonly jobs: Pick<JobRunner<RaiseJobs>, 'enqueue'>,
    private readonly email: UserEmailSettings,
  ) {}

  async list(): Promise<UserT[]> {
    return (await this.users.list(this.database.db)).map(toUserView)
  }

  /** Saves the body as it arrives; the account email (if asked for) is enqueued in the same transaction. */
  async create(context: AuditContext, callerEmail: string, body: UserCreationT): Promise<string> {
    const row: UserRow = { id: ulid(), ...body }
    const creator = await this.users.firstByEmail(this.database.db, callerEmail)
    const senderName = creator ? `${creator.name} (via Raise National)` : 'The Raise National Team'
    await transaction(this.database, async (tx) => {
      await this.users.insert(tx, row)
      await auditWrite(tx, context, 'create', row.id, { tableName: 'user', data: row })
      if (body.sendAccountCreationEmail) {
        const message = newUserEmail({ name: body.name, email: body.email, senderName, loginUrl: this.email.loginUrl, production: this.email.production, fromAddress: this.email.fromAddress })
        await this.jobs.enqueue(tx, 'mail.send', message, { idempotencyKey: `new-user:${row.id}` })
      }
    })
    return row.id
  }

  /** An unknown id is 404 (the original's failed existence condition gave 409). */
  async edit(context: AuditContext, id: string, edits: UserEditsT): Promise<void> {
    if (!(await this.users.get(this.database.db, id))) throw errors.notFound('user not found')
    await transaction(this.database, async (tx) => {
      await this.users.update(tx, id, edits)
      await auditWrite(tx, context, 'edit', id, { tableName: 'user', data: edits })
    })
  }
}
