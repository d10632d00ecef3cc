import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { parseClientDate, parseReleaseDate, httpDate } from '../src/rules/dates.ts'
import { pageNumber, totalPages, offsetOf } from '../src/rules/pagination.ts'
import { forbiddenTermsIn, textProblem } from '../src/rules/word-filter.ts'
import { blockChange, blockHasExpired, releaseDateFor, BLOCK_DURATION_DAYS } from '../src/rules/blocks.ts'

describe('dates', () => {
  test('accepts exactly toISOString() output and reads it as UTC', () => {
    assert.equal(parseClientDate('2020-06-01T15:05:01.966Z')?.toISOString(), '2020-06-01T15:05:01.966Z')
    assert.equal(parseClientDate('2020-06-01T15:05:01.9Z')?.toISOString(), '2020-06-01T15:05:01.900Z')
    assert.equal(parseClientDate('2020-06-01T15:05:01.123456Z')?.toISOString(), '2020-06-01T15:05:01.123Z')
  })
  test('refuses other shapes and impossible dates', () => {
    for (const value of ['2020-06-01T15:05:01Z', '2020-06-01 15:05:01.966', '2020-06-01T15:05:01.966+02:00', '2020-02-30T10:00:00.000Z', 'yesterday', '2020-06-01T25:00:00.000Z']) {
      assert.equal(parseClientDate(value), undefined, value)
    }
  })
  test('release dates may also come back in the RFC 1123 form the API hands out', () => {
    assert.equal(parseReleaseDate('Mon, 08 Jun 2020 14:43:15 GMT')?.toISOString(), '2020-06-08T14:43:15.000Z')
    assert.equal(parseReleaseDate('next week'), undefined)
  })
  test('dates go out in RFC 1123 form without fractions', () => {
    assert.equal(httpDate(new Date('2020-06-08T14:43:15.999Z')), 'Mon, 08 Jun 2020 14:43:15 GMT')
    assert.equal(httpDate(null), null)
  })
})

describe('pagination', () => {
  test('page falls back to 1 for anything but a positive integer', () => {
    assert.equal(pageNumber(undefined), 1)
    assert.equal(pageNumber('abc'), 1)
    assert.equal(pageNumber('2.5'), 1)
    assert.equal(pageNumber('0'), 1)
    assert.equal(pageNumber('-3'), 1)
    assert.equal(pageNumber('3'), 3)
    assert.equal(pageNumber('99999999999'), 1_000_000)
  })
  test('total pages round up and are 0 for nothing', () => {
    assert.equal(totalPages(0, 5), 0)
    assert.equal(totalPages(5, 5), 1)
    assert.equal(totalPages(6, 5), 2)
    assert.equal(offsetOf(3, 10), 20)
  })
})

describe('word filter', () => {
  test('matches substrings case-insensitively, in filter order', () => {
    assert.deepEqual(forbiddenTermsIn('Oh HI, how are YOU', ['you', 'hi', 'zzz']), ['you', 'hi'])
    assert.deepEqual(forbiddenTermsIn('this', ['hi']), ['hi'], 'no word boundaries')
  })
  test('the filter is checked before the length', () => {
    assert.match(textProblem('x'.repeat(500) + 'bad', 'post', ['bad'])!, /1 forbidden term.*bad/)
    assert.match(textProblem('x'.repeat(481), 'post', [])!, /cannot be over 480/)
    assert.match(textProblem('', 'message', [])!, /cannot be empty/)
    assert.equal(textProblem('x'.repeat(480), 'message', ['y']), undefined)
  })
  test('several hits are counted and comma-joined', () => {
    assert.match(textProblem('how are you', 'post', ['how', 'you'])!, /2 forbidden terms.*how,you/)
  })
})

describe('blocks', () => {
  const now = new Date('2024-01-10T00:00:00Z')
  test('only blocked users with a past release date are lifted', () => {
    assert.equal(blockHasExpired({ roleId: 5, releaseDate: new Date('2024-01-01T00:00:00Z') }, now), true)
    assert.equal(blockHasExpired({ roleId: 5, releaseDate: new Date('2024-02-01T00:00:00Z') }, now), false)
    assert.equal(blockHasExpired({ roleId: 1, releaseDate: new Date('2020-10-30T00:00:00Z') }, now), false, 'an admin with a stale date is not demoted')
  })
  test('unblocking really unblocks', () => {
    assert.deepEqual(blockChange(false, new Date()), { roleId: 3, releaseDate: null })
    const until = new Date('2024-02-01T00:00:00Z')
    assert.deepEqual(blockChange(true, until), { roleId: 5, releaseDate: until })
  })
  test('a new block extends a running one', () => {
    const running = { roleId: 5, releaseDate: new Date('2024-01-20T00:00:00Z') }
    assert.equal(releaseDateFor(running, BLOCK_DURATION_DAYS.oneWeek, now).toISOString(), '2024-01-27T00:00:00.000Z')
    assert.equal(releaseDateFor({ roleId: 3, releaseDate: null }, BLOCK_DURATION_DAYS.oneDay, now).toISOString(), '2024-01-11T00:00:00.000Z')
  })
})
