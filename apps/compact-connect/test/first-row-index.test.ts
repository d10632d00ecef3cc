import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { FirstRowIndex } from '../src/modules/ingest/first-row-index.ts'

const ssnOf = (n: number) => {
  const digits = String(n).padStart(9, '0')
  return `${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}`
}

describe('FirstRowIndex: the first row of each (SSN, license type) in one file', () => {
  test('the first row is recorded; a later one with both the same gets the first record number', () => {
    const index = new FirstRowIndex()
    assert.equal(index.firstOrAdd('123-45-6789', 'audiologist', 1), undefined)
    assert.equal(index.firstOrAdd('123-45-6789', 'audiologist', 7), 1)
    // The duplicate did not replace the first.
    assert.equal(index.firstOrAdd('123-45-6789', 'audiologist', 9), 1)
  })

  test('the same SSN with another license type, or another SSN, is a first row of its own', () => {
    const index = new FirstRowIndex()
    assert.equal(index.firstOrAdd('123-45-6789', 'audiologist', 1), undefined)
    assert.equal(index.firstOrAdd('123-45-6789', 'speech-language pathologist', 2), undefined)
    assert.equal(index.firstOrAdd('123-45-6780', 'audiologist', 3), undefined)
    assert.equal(index.firstOrAdd('123-45-6789', 'speech-language pathologist', 4), 2)
  })

  test('the smallest and largest SSNs are kept like any other', () => {
    const index = new FirstRowIndex()
    assert.equal(index.firstOrAdd('000-00-0000', 'ot', 1), undefined)
    assert.equal(index.firstOrAdd('999-99-9999', 'ot', 2), undefined)
    assert.equal(index.firstOrAdd('000-00-0000', 'ot', 3), 1)
    assert.equal(index.firstOrAdd('999-99-9999', 'ot', 4), 2)
  })

  test('agrees with a Map over 200,000 rows of consecutive and scattered SSNs, across the table growing', () => {
    const index = new FirstRowIndex()
    const reference = new Map<string, number>()
    let seed = 12345
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % 1_000_000_000
    for (let record = 1; record <= 200_000; record++) {
      // Half consecutive (a state's own numbering), half scattered, with repeats of both.
      const ssn = ssnOf(record % 2 === 0 ? 100_000_000 + (record % 60_000) : random() % 50_000_000)
      const licenseType = record % 3 === 0 ? 'audiologist' : 'speech-language pathologist'
      const key = `${ssn}|${licenseType}`
      const expected = reference.get(key)
      if (expected === undefined) reference.set(key, record)
      assert.equal(index.firstOrAdd(ssn, licenseType, record), expected, `record ${record}`)
    }
  })

  test('refuses an SSN that is not ddd-dd-dddd rather than mistake it for another', () => {
    assert.throws(() => new FirstRowIndex().firstOrAdd('123456789', 'ot', 1), /ddd-dd-dddd/)
  })
})
