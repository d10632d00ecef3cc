import { errors, type Database } from '@hearth/kernel'
import { ulid, type AuditContext } from '@hearth/kernel/audit'
import type { JobRunner } from '@hearth/kernel/jobs'
import { users, type UserRow } from '../../db/schema.ts'
import { auditWrite, transaction, updateWhere } from '../../db/conditions.ts'
import type { UserCreationT, UserEditsT } from '../../http/schemas.ts'
import type { RaiseJobs } from '../../jobs.ts'
import { newUserEmail } from '../../emails/new-user.ts'
import { userRepository } from './user.repository.ts'

export function createUserService(deps: { database: Database; jobs: Pick<JobRunner<RaiseJobs>, 'enqueue'>; email: { production: boolean; fromAddress: string; loginUrl: string } }) {
  const { database } = deps
  return {
    list: () => userRepository.list(database.db),
    firstByEmail: (email: string) => userRepository.firstByEmail(database.db, email),

    /** Saves the body as it arrives; the account email (if asked for) is enqueued in the same transaction. */
    async create(context: AuditContext, callerEmail: string, body: UserCreationT): Promise<string> {
      const row: UserRow = { id: ulid(), ...body }
      const creator = await userRepository.firstByEmail(database.db, callerEmail)
      const senderName = creator ? `${creator.name} (via Raise National)` : 'The Raise National Team'
      await transaction(database, async (tx) => {
        await userRepository.insert(tx, row)
        await auditWrite(tx, context, 'create', row.id, { tableName: 'user', data: row })
        if (body.sendAccountCreationEmail) {
          const message = newUserEmail({ name: body.name, email: body.email, senderName, loginUrl: deps.email.loginUrl, production: deps.email.production, fromAddress: deps.email.fromAddress })
          await deps.jobs.enqueue(tx, 'mail.send', message, { idempotencyKey: `new-user:${row.id}` })
        }
      })
      return row.id
    },

    /** An unknown id is 404 (the original's failed existence condition gave 409). */
    async edit(context: AuditContext, id: string, edits: UserEditsT): Promise<void> {
      if (!(await userRepository.get(database.db, id))) throw errors.notFound('user not found')
      await transaction(database, async (tx) => {
        await updateWhere(tx, users, id, edits, [], 'user')
        await auditWrite(tx, context, 'edit', id, { tableName: 'user', data: edits })
      })
    },
  }
}
export type UserService = ReturnType<typeof createUserService>

/** The wire shape: `sendAccountCreationEmail` only when it was saved. */
export function presentUser(row: UserRow) {
  const { sendAccountCreationEmail, ...rest } = row
  return sendAccountCreationEmail === null ? rest : { ...rest, sendAccountCreationEmail }
}
