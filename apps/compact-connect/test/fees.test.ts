import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { fromCents, isFeeAmount, privilegePurchaseFees, toCents, type PurchaseJurisdiction } from '../src/modules/purchases/fees.ts'

// The `aslp` QA configuration (spec §9.3, §9.4), in cents.
const j = {
  co: { postalAbbreviation: 'co', jurisdictionName: 'Colorado', amount: 10000, militaryRate: null },
  ky: { postalAbbreviation: 'ky', jurisdictionName: 'Kentucky', amount: 20000, militaryRate: null },
  ne: { postalAbbreviation: 'ne', jurisdictionName: 'Nebraska', amount: 7500, militaryRate: 6000 },
  oh: { postalAbbreviation: 'oh', jurisdictionName: 'Ohio', amount: 5000, militaryRate: 4000 },
} satisfies Record<string, PurchaseJurisdiction>

const fees = (jurisdictions: PurchaseJurisdiction[], activeMilitary: boolean, transactionFee: number | null = 500) =>
  privilegePurchaseFees({ compact: 'aslp', licenseTypeAbbreviation: 'slp', jurisdictions, compactCommissionFee: 5050, transactionFee, activeMilitary })

const prices = (breakdown: ReturnType<typeof fees>) => breakdown.lineItems.map((item) => [item.itemId, item.unitPrice, item.quantity])

describe('privilege purchase fees (§4.6 step 9, worked cases of §9.4)', () => {
  test('P1, not military, oh + ky → 361.00', () => {
    const result = fees([j.oh, j.ky], false)
    assert.equal(result.amount, 36100)
    assert.deepEqual(result.lineItems, [
      { itemId: 'priv:aslp-oh-slp', name: 'Ohio Compact Privilege', description: 'Compact Privilege for Ohio', quantity: 1, unitPrice: 5000 },
      { itemId: 'priv:aslp-ky-slp', name: 'Kentucky Compact Privilege', description: 'Compact Privilege for Kentucky', quantity: 1, unitPrice: 20000 },
      { itemId: 'aslp-compact-fee', name: 'ASLP Compact Fee', description: 'Compact fee applied for each privilege purchased', quantity: 2, unitPrice: 5050 },
      { itemId: 'credit-card-transaction-fee', name: 'Credit Card Transaction Fee', description: 'Transaction fee for credit card processing', quantity: 2, unitPrice: 500 },
    ])
  })

  test('P1, oh + ky + ne → 491.50 (military rates ignored for a non-military buyer)', () => {
    const result = fees([j.oh, j.ky, j.ne], false)
    assert.equal(result.amount, 49150)
    assert.deepEqual(prices(result), [
      ['priv:aslp-oh-slp', 5000, 1],
      ['priv:aslp-ky-slp', 20000, 1],
      ['priv:aslp-ne-slp', 7500, 1],
      ['aslp-compact-fee', 5050, 3],
      ['credit-card-transaction-fee', 500, 3],
    ])
  })

  test('P3, military, oh → 95.50 at the military rate', () => {
    const result = fees([j.oh], true)
    assert.equal(result.amount, 9550)
    assert.equal(result.lineItems[0]!.unitPrice, 4000)
    assert.equal(result.lineItems[0]!.description, 'Compact Privilege for Ohio (Military Rate)')
  })

  test('P3, co + ky + oh → 506.50: no military rate set means the standard fee and no suffix', () => {
    const result = fees([j.co, j.ky, j.oh], true)
    assert.equal(result.amount, 50650)
    assert.deepEqual(
      result.lineItems.slice(0, 3).map((item) => [item.unitPrice, item.description]),
      [
        [10000, 'Compact Privilege for Colorado'],
        [20000, 'Compact Privilege for Kentucky'],
        [4000, 'Compact Privilege for Ohio (Military Rate)'],
      ],
    )
  })

  test('P3, oh, with the transaction fee switched off → 90.50 and no transaction-fee item', () => {
    const result = fees([j.oh], true, null)
    assert.equal(result.amount, 9050)
    assert.deepEqual(
      result.lineItems.map((item) => item.itemId),
      ['priv:aslp-oh-slp', 'aslp-compact-fee'],
    )
  })

  test('a military rate of 0 is a rate (free), not "no rate"', () => {
    const result = fees([{ ...j.oh, militaryRate: 0 }], true, null)
    assert.equal(result.lineItems[0]!.unitPrice, 0)
    assert.equal(result.amount, 5050)
  })

  test('dollar amounts convert to cents exactly, and only with at most two decimals', () => {
    assert.equal(toCents(50.5), 5050)
    assert.equal(toCents(0.29), 29)
    assert.equal(toCents(1.1), 110)
    assert.equal(toCents(0), 0)
    assert.equal(toCents(19999999.99), 1999999999)
    assert.throws(() => toCents(1.005), RangeError)
    assert.throws(() => toCents(-1), RangeError)
    assert.throws(() => toCents(Number.NaN), RangeError)
    assert.equal(isFeeAmount(50.5), true)
    assert.equal(isFeeAmount(50.555), false)
    assert.equal(fromCents(5050), 50.5)
  })
})
