// defineStatement / runStatement against the real database (embedded, or TEST_DATABASE_URL): on the
// database itself, inside a transaction (seeing its uncommitted writes), with array parameters.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { bigint, boolean, doublePrecision, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core'
import { defineStatement, runStatement, selectColumns, sql, type Database, type MigrationSource } from '../src/index.ts'
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

  test('in a transaction on a server, the statement is prepared on the transaction’s own connection', async (t) => {
    if (database.kind !== 'server') return t.skip('a server only')
    const prepared = defineStatement('kernel_test_prepared_in_transaction', 'SELECT count(*)::int AS n FROM widgets WHERE id > $1')
    const names = await database.transaction(async (tx) => {
      assert.deepEqual(await runStatement(tx, prepared, [0]), [{ n: 3 }])
      const rows = await tx.execute(sql`SELECT name FROM pg_prepared_statements WHERE name = ${prepared.name}`)
      return (rows as unknown as { rows: { name: string }[] }).rows.map((row) => row.name)
    })
    assert.deepEqual(names, [prepared.name])
    // A nested transaction is a savepoint on the same connection: rolled back alone.
    await database.transaction(async (tx) => {
      await assert.rejects(
        tx.transaction(async (inner) => {
          await inner.execute(sql`INSERT INTO widgets VALUES (5, 'five')`)
          throw new Error('inner only')
        }),
        /inner only/,
      )
      await tx.execute(sql`INSERT INTO widgets VALUES (6, 'six')`)
    })
    assert.deepEqual(await runStatement(database.db, byName, ['five']), [])
    assert.deepEqual(await runStatement(database.db, byName, ['six']), [{ id: 6 }])
    await database.query('DELETE FROM widgets WHERE id = 6')
  })

  test('selectColumns: the rows of a plain-SQL statement are what drizzle’s select gives', async () => {
    await database.query(`CREATE TABLE gadgets (id serial PRIMARY KEY, label text NOT NULL, price bigint NOT NULL, ratio double precision, active boolean NOT NULL, tags text[] NOT NULL)`)
    await database.query(`INSERT INTO gadgets (label, price, ratio, active, tags) VALUES ('g', 9007199254740991, 0.5, true, '{a,b}')`)
    const gadgets = pgTable('gadgets', {
      id: serial('id').primaryKey(),
      label: text('label').notNull(),
      price: bigint('price', { mode: 'number' }).notNull(),
      ratio: doublePrecision('ratio'),
      active: boolean('active').notNull(),
      tags: text('tags').array().notNull(),
    })
    const all = defineStatement('kernel_test_gadgets', `SELECT ${selectColumns(gadgets, 'g')} FROM gadgets g`)
    assert.match(all.text, /g\."price"::float8 AS "price"/)
    const expected = await database.db.select().from(gadgets)
    assert.deepEqual(await runStatement(database.db, all, []), expected)
    assert.deepEqual(expected, [{ id: 1, label: 'g', price: 9007199254740991, ratio: 0.5, active: true, tags: ['a', 'b'] }])
    await database.transaction(async (tx) => assert.deepEqual(await runStatement(tx, all, []), expected))
    // A type that would come back otherwise is refused when the list is made, not when it runs.
    const odd = pgTable('odd', { at: timestamp('at', { withTimezone: true }) })
    assert.throws(() => selectColumns(odd), /odd\.at is a PgTimestamp/)
  })

  test('a name means one text: defining it again with another text is refused', () => {
    assert.deepEqual(defineStatement('kernel_test_widget_by_name', 'SELECT id FROM widgets WHERE name = $1'), byName)
    assert.throws(() => defineStatement('kernel_test_widget_by_name', 'SELECT 1'), /already defined/)
  })
})
