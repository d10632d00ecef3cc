import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { createTestDatabase } from '../src/testing/index.ts'
import type { MigrationSource } from '../src/db/index.ts'
import { audit, auditAll, auditByObject, auditBySubject, ulid, ULID_PATTERN } from '../src/audit/index.ts'

const fixture: MigrationSource = { owner: 'fixture', folder: join(import.meta.dirname, 'fixtures', 'migrations') }
const context = { subject: 'admin@example.org', sourceIp: '127.0.0.1', userAgent: 'test', route: 'POST /things' }

test('ulids are 26 Crockford characters and sort by time', () => {
  const early = ulid(1_000_000)
  const late = ulid(2_000_000)
  assert.match(early, new RegExp(ULID_PATTERN))
  assert.ok(early < late)
})

test('ulids drawn across many refills of the random pool are all different, with every character in use', () => {
  // The pool holds 256 ids' worth of bytes: 10,000 ids refill it about 40 times.
  const ids = Array.from({ length: 10_000 }, () => ulid(1_700_000_000_000))
  assert.equal(new Set(ids).size, ids.length)
  const randomPart = new Set(ids.flatMap((id) => [...id.slice(10)]))
  assert.equal(randomPart.size, 32, 'all 32 Crockford characters appear in the random part')
  for (const id of ids) assert.match(id, new RegExp(ULID_PATTERN))
})

test('an audit entry commits with its transaction and not without it', async () => {
  const database = await createTestDatabase({ schema: 'kernel_audit', migrations: fixture })
  try {
    await assert.rejects(
      database.transaction(async (tx) => {
        await audit(tx, context, { object: 'thing-1', action: 'edit', metadata: { data: { a: 1 } } })
        throw new Error('the change failed')
      }),
    )
    assert.deepEqual(await auditByObject(database.db, 'thing-1'), [])
    await database.transaction((tx) => audit(tx, context, { object: 'thing-1', action: 'create', metadata: { data: { a: 2 } } }))
    const refused = await audit(database.db, { subject: 'public' }, { action: 'security', metadata: { statusCode: 401 } })
    assert.equal(refused.object, refused.id, 'no object: the entry is its own object')
    const [entry] = await auditByObject(database.db, 'thing-1')
    assert.equal(entry!.subject, 'admin@example.org')
    assert.equal(entry!.route, 'POST /things')
    assert.deepEqual(entry!.metadata, { data: { a: 2 } })
    assert.equal((await auditBySubject(database.db, 'public')).length, 1)
  } finally {
    await database.close()
  }
})

test('auditAll writes several entries by one actor together, with its transaction, and nothing for none', async () => {
  const database = await createTestDatabase({ schema: 'kernel_audit', migrations: fixture })
  try {
    await assert.rejects(
      database.transaction(async (tx) => {
        await auditAll(tx, context, [{ object: 'thing-2', action: 'edit' }])
        throw new Error('the change failed')
      }),
    )
    assert.deepEqual(await auditByObject(database.db, 'thing-2'), [])
    assert.deepEqual(await auditAll(database.db, context, []), [])
    const written = await database.transaction((tx) =>
      auditAll(tx, context, [
        { object: 'thing-2', action: 'edit', metadata: { data: { a: 1 } } },
        { object: 'thing-3', action: 'plus', metadata: { data: { total: 5 } }, at: new Date('2026-01-02T03:04:05Z') },
      ]),
    )
    assert.deepEqual(
      written.map((record) => [record.object, record.action, record.subject, record.route]),
      [
        ['thing-2', 'edit', 'admin@example.org', 'POST /things'],
        ['thing-3', 'plus', 'admin@example.org', 'POST /things'],
      ],
    )
    const [stored] = await auditByObject(database.db, 'thing-3')
    assert.deepEqual([stored!.id, stored!.at.toISOString(), stored!.metadata], [written[1]!.id, '2026-01-02T03:04:05.000Z', { data: { total: 5 } }])
    assert.equal((await auditByObject(database.db, 'thing-2')).length, 1)
  } finally {
    await database.close()
  }
})
