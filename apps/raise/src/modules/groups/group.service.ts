import { errors, type Database } from '@hearth/kernel'
import { ulid, type AuditContext } from '@hearth/kernel/audit'
import { auditWrite, transaction } from '../../db/transaction.ts'
import { toGroupView } from '../../mappers.ts'
import type { GroupT } from '../../http/schemas.ts'
import type { GroupRepository } from './group.repository.ts'

export class GroupService {
  constructor(
    private readonly database: Database,
    private readonly groups: GroupRepository,
  ) {}

  async list(): Promise<GroupT[]> {
    return (await this.groups.list(this.database.db)).map(toGroupView)
  }

  async create(context: AuditContext, body: { name: string }, id: string = ulid()): Promise<string> {
    const row = { id, name: body.name }
    await transaction(this.database, async (tx) => {
      await this.groups.insert(tx, row)
      await auditWrite(tx, context, 'create', id, { tableName: 'group', data: row })
    })
    return id
  }

  /** An unknown id is 404 (the original's failed existence condition gave 409). */
  async edit(context: AuditContext, id: string, edits: { name?: string }): Promise<void> {
    if (!(await this.groups.get(this.database.db, id))) throw errors.notFound('group not found')
    await transaction(this.database, async (tx) => {
      await this.groups.update(tx, id, edits)
      await auditWrite(tx, context, 'edit', id, { tableName: 'group', data: edits })
    })
  }
}
