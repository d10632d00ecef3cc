import { errors, type Database } from '@hearth/kernel'
import { ulid, type AuditContext } from '@hearth/kernel/audit'
import { groups } from '../../db/schema.ts'
import { auditWrite, transaction, updateWhere } from '../../db/conditions.ts'
import { groupRepository } from './group.repository.ts'

export function createGroupService(database: Database) {
  return {
    list: () => groupRepository.list(database.db),
    async create(context: AuditContext, body: { name: string }, id: string = ulid()): Promise<string> {
      const row = { id, name: body.name }
      await transaction(database, async (tx) => {
        await groupRepository.insert(tx, row)
        await auditWrite(tx, context, 'create', id, { tableName: 'group', data: row })
      })
      return id
    },
    /** An unknown id is 404 (the original's failed existence condition gave 409). */
    async edit(context: AuditContext, id: string, edits: { name?: string }): Promise<void> {
      if (!(await groupRepository.get(database.db, id))) throw errors.notFound('group not found')
      await transaction(database, async (tx) => {
        await updateWhere(tx, groups, id, edits, [], 'group')
        await auditWrite(tx, context, 'edit', id, { tableName: 'group', data: edits })
      })
    },
  }
}
export type GroupService = ReturnType<typeof createGroupService>
