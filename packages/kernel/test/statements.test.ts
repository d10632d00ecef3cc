// defineStatement / runStatement against the real database (embedded, or TEST_DATABASE_URL): on the
// database itself, inside a transaction (seeing its uncommitted writes), with array parameters.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { defineStatement, runStatement, sql, type Database, type MigrationSource } from '../src/index.ts'
import { createTestDatabase } from '../src/testing/index.ts'

const fixture: MigrationSource = { owner: 'fixture', folder: join(import.meta.dirname, 'fixtures', 'migrations') }
const byIds = defineStatement('kernel_test_widgets_by_ids', 'SELECT id, name FROM widgets WHERE id = ANY($1::int[]) ORDER BY id')
const byName = defineStatement('kernel_test_widget_by_name', 'SELECT id FROM widgets WHERE name = $1')

describe('statements', () => {
  let database: Database
  before(async () => {
    database = await createTestDatabase({ schema: 'kernel_statements_test', migrations: fixture })
    // The fixture migration made `widgets` with one seeded row (id 1).
    await database.query("UPDATE widgets SET name = 'one' WHERE id = 1")
    await database.query("INSERT INTO widgets VALUES (2, 'two'), (3, 'three')")
  })
  after(() => database.close())

  test('run on the database, an array being one parameter', async () => {
    assert.deepEqual(await runStatement(database.db, byIds, [[3, 1]]), [
      { id: 1, name: 'one' },
      { id: 3, name: 'three' },
    ])
    // The same statement again (on a server: the prepared plan is reused).
    assert.deepEqual(await runStatement(database.db, byIds, [[2]]), [{ id: 2, name: 'two' }])
  })

  test('run in a transaction, it sees the transaction’s own writes; rolled back, they are gone', async () => {
    await assert.rejects(
      database.transaction(async (tx) => {
        await tx.execute(sql`INSERT INTO widgets VALUES (4, 'four')`)
        assert.deepEqual(await runStatement(tx, byName, ['four']), [{ id: 4 }])
        throw new Error('roll back')
      }),
      /roll back/,
    )
    assert.deepEqual(await runStatement(database.db, byName, ['four']), [])
  })

  test('a name means one text: defining it again with another text is refused', () => {
    assert.deepEqual(defineStatement('kernel_test_widget_by_name', 'SELECT id FROM widgets WHERE name = $1'), byName)
    assert.throws(() => defineStatement('kernel_test_widget_by_name', 'SELECT 1'), /already defined/)
  })
})
