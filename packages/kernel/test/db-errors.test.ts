// decodeDatabaseError against the real database (embedded, or TEST_DATABASE_URL): each failure a
// statement can meet, through the plain query path and through drizzle (which wraps it in `cause`).
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { decodeDatabaseError, isDatabaseFailure, sql, type Database, type MigrationSource } from '../src/index.ts'
import { createTestDatabase } from '../src/testing/index.ts'

const fixture: MigrationSource = { owner: 'fixture', folder: join(import.meta.dirname, 'fixtures', 'migrations') }

describe('decodeDatabaseError', () => {
  let database: Database
  before(async () => {
    database = await createTestDatabase({ schema: 'kernel_db_errors_test', migrations: fixture })
    await database.query('CREATE TABLE parents (id int PRIMARY KEY)')
    await database.query(
      "CREATE TABLE children (id int PRIMARY KEY, parent_id int REFERENCES parents (id), name varchar(5) NOT NULL CONSTRAINT children_name_check CHECK (name <> ''), email text CONSTRAINT children_email_key UNIQUE)",
    )
    await database.query('INSERT INTO parents VALUES (1)')
    await database.query("INSERT INTO children VALUES (1, 1, 'a', 'a@example.com')")
  })
  after(() => database.close())

  const failing = async (statement: string) => {
    try {
      await database.query(statement)
    } catch (error) {
      return error
    }
    assert.fail(`${statement} did not fail`)
  }

  test('names each integrity failure and its constraint', async () => {
    assert.deepEqual(decodeDatabaseError(await failing("INSERT INTO children VALUES (2, 1, 'b', 'a@example.com')")), { failure: 'unique', constraint: 'children_email_key' })
    assert.equal(decodeDatabaseError(await failing("INSERT INTO children VALUES (3, 99, 'c', null)"))?.failure, 'foreign-key')
    assert.deepEqual(decodeDatabaseError(await failing("INSERT INTO children VALUES (4, 1, '', null)")), { failure: 'check', constraint: 'children_name_check' })
    assert.equal(decodeDatabaseError(await failing('INSERT INTO children VALUES (5, 1, null, null)'))?.failure, 'not-null')
    assert.equal(decodeDatabaseError(await failing("INSERT INTO children VALUES (6, 1, 'toolong', null)"))?.failure, 'too-long')
  })

  test('looks through drizzle wrapping the driver error in `cause`', async () => {
    let thrown: unknown
    try {
      await database.db.execute(sql`INSERT INTO children VALUES (7, 1, 'd', 'a@example.com')`)
    } catch (error) {
      thrown = error
    }
    assert.ok(isDatabaseFailure(thrown, 'unique'))
  })

  test('a serialization failure or deadlock is `serialization`; anything else is undefined', () => {
    assert.equal(decodeDatabaseError({ code: '40001' })?.failure, 'serialization')
    assert.equal(decodeDatabaseError({ cause: { code: '40P01' } })?.failure, 'serialization')
    assert.equal(decodeDatabaseError(new Error('no code')), undefined)
    assert.equal(decodeDatabaseError({ code: '42P01' }), undefined)
    assert.equal(decodeDatabaseError(undefined), undefined)
  })
})
