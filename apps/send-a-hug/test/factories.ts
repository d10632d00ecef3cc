import type { Database } from '@hearth/kernel'
import { defineFactory } from '@hearth/kernel/testing'
import { ROLE } from '../src/permissions.ts'
import { ReportsRepository } from '../src/modules/reports/reports.repository.ts'
import { UsersRepository } from '../src/modules/users/users.repository.ts'

/** Rows for tests, inserted through the app's repositories (defaults from the schema, like the API's). */
export function factories(database: Database) {
  const users = new UsersRepository()
  const reports = new ReportsRepository()
  return {
    user: defineFactory({
      defaults: (n): Parameters<UsersRepository['create']>[1] => ({ displayName: `person ${n}`, firebaseId: `factory-user-${n}`, roleId: ROLE.user }),
      create: (values) => users.create(database.db, values),
    }),
    postReport: defineFactory({
      defaults: (): Parameters<ReportsRepository['create']>[1] => ({ type: 'Post', userId: 0, postId: 0, reporter: 0, reportReason: 'spam', date: new Date() }),
      create: (values) => reports.create(database.db, values),
    }),
  }
}
