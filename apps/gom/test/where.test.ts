import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { PgDialect } from 'drizzle-orm/pg-core'
import { GomError } from '../src/errors.ts'
import { WhereTranslator } from '../src/modules/shared/where.ts'
import { visibleRows } from '../src/policies.ts'
import type { Caller } from '../src/permissions.ts'

const dialect = new PgDialect()
const limits = { maxDepth: 6, maxListSize: 10, maxConditions: 20 }
const render = (where: unknown, translator = new WhereTranslator(limits)) => dialect.sqlToQuery(translator.where('Order', where, 'r'))

const refusal = (fn: () => unknown, code: string) =>
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof GomError)
    assert.equal(error.code, code)
    return true
  })

describe('WhereTranslator', () => {
  test('scalar operators become bound parameters', () => {
    const { sql, params } = render({ name: 'a', name_not: 'b', name_contains: 'c', name_starts_with: 'd', name_ends_with: 'e', stage_in: ['OPEN', 'WON'], createdAt_gte: '2020-01-01T00:00:00Z' })
    assert.equal(sql.includes("'a'"), false)
    assert.deepEqual(params, ['a', 'b', 'c', 'd', 'd', 'e', 'e', 'OPEN', 'WON', '2020-01-01T00:00:00.000Z'])
    assert.match(sql, /"r"\."name" = \$1::text/)
    assert.match(sql, /"r"\."stage" in \(\$8::text, \$9::text\)/)
  })

  test('null means IS NULL, `_not: null` IS NOT NULL; an empty _in matches nothing', () => {
    assert.match(render({ updatedBy: null }).sql, /"r"\."updated_by" is null/)
    assert.match(render({ updatedBy_not: null }).sql, /is not null/)
    assert.equal(render({ stage_in: [] }).sql, 'false')
    assert.equal(render({ stage_not_in: [] }).sql, 'true')
  })

  test('AND, OR and NOT combine; relations become EXISTS subqueries', () => {
    const { sql } = render({ OR: [{ name: 'a' }, { name: 'b' }], NOT: [{ stage: 'WON' }], issuedTo: { name1: 'x' }, items_every: { quantity_gt: 1 }, items_none: { code: 'z' } })
    assert.match(sql, / or /)
    assert.match(sql, /not \(/)
    assert.match(sql, /exists \(select 1 from "bps"/)
    assert.match(sql, /not exists \(select 1 from "items"/)
  })

  test('a caller scope is ANDed at every relation descent', () => {
    const seller: Caller = { sub: 'auth0|1', permissions: ['role:seller'] } as unknown as Caller
    const translator = new WhereTranslator(limits, (model) => visibleRows(seller, model))
    const { sql, params } = render({ issuedTo: { orders_some: { name: 'x' } } }, translator)
    assert.equal(params.filter((param) => param === 'auth0|1').length, 2) // Bp visibility and Order visibility
    assert.match(sql, /customer_of/)
  })

  test('a customer sees no promotion through a filter', () => {
    const customer: Caller = { sub: 'c1', permissions: ['role:customer'] } as unknown as Caller
    const translator = new WhereTranslator(limits, (model) => visibleRows(customer, model))
    assert.match(render({ promotions_some: {} }, translator).sql, /and false and/)
  })

  test('hostile filters are refused with QUERY_TOO_COMPLEX', () => {
    let deep: Record<string, unknown> = { name: 'x' }
    for (let i = 0; i < 10; i++) deep = { AND: [deep] }
    refusal(() => render(deep), 'QUERY_TOO_COMPLEX')
    refusal(() => render({ uid_in: Array.from({ length: 11 }, (_, i) => String(i)) }), 'QUERY_TOO_COMPLEX')
    refusal(() => render({ OR: Array.from({ length: 11 }, () => ({ name: 'x' })) }), 'QUERY_TOO_COMPLEX')
    refusal(() => render({ AND: Array.from({ length: 7 }, () => ({ name: 'x', name_not: 'y', uid: 'z' })) }), 'QUERY_TOO_COMPLEX')
  })

  test('unknown fields and wrongly typed values are BAD_USER_INPUT, never SQL', () => {
    refusal(() => render({ 'name; drop table orders': 'x' }), 'BAD_USER_INPUT')
    refusal(() => render({ stage: 'NOPE' }), 'BAD_USER_INPUT')
    refusal(() => render({ createdAt_lt: 'yesterday' }), 'BAD_USER_INPUT')
    refusal(() => render({ items_some: 'x' }), 'BAD_USER_INPUT')
  })
})
