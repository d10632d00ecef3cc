import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  AuthorizeNetProcessor,
  centsToDecimal,
  decimalToCents,
  parseAuthorizeNetJson,
  PaymentDeclinedError,
  PaymentProcessorError,
  readAuthorizeNetSettings,
  type ChargeRequest,
} from '../src/payments/index.ts'
import { startFakeAuthorizeNet, type FakeAuthorizeNet } from '../src/testing/index.ts'

const merchant = { apiLoginId: 'login-1', transactionKey: 'key-1', publicClientKey: 'public-1' }

function order(dataValue: string, overrides: Partial<ChargeRequest> = {}): ChargeRequest {
  return {
    amount: 36100,
    opaqueData: { dataDescriptor: 'COMMON.ACCEPT.INAPP.PAYMENT', dataValue },
    order: { description: 'LICENSEE#p1#' },
    lineItems: [
      { itemId: 'priv:aslp-oh-slp', name: 'Ohio Compact Privilege', description: 'Compact Privilege for Ohio', quantity: 1, unitPrice: 5000 },
      { itemId: 'priv:aslp-ky-slp', name: 'Kentucky Compact Privilege', description: 'Compact Privilege for Kentucky', quantity: 1, unitPrice: 20000 },
      { itemId: 'aslp-compact-fee', name: 'ASLP Compact Fee', description: 'Compact fee applied for each privilege purchased', quantity: 2, unitPrice: 5050 },
      { itemId: 'credit-card-transaction-fee', name: 'Credit Card Transaction Fee', description: 'Transaction fee for credit card processing', quantity: 2, unitPrice: 500 },
    ],
    taxExempt: true,
    duplicateWindowSeconds: 35,
    ...overrides,
  }
}

describe('Authorize.Net payment processor', () => {
  let fake: FakeAuthorizeNet
  let clock = 1_000_000
  let processor: AuthorizeNetProcessor

  before(async () => {
    fake = await startFakeAuthorizeNet({ merchants: [merchant], now: () => clock })
    processor = new AuthorizeNetProcessor({ apiLoginId: merchant.apiLoginId, transactionKey: merchant.transactionKey, apiUrl: fake.url })
  })
  after(() => fake.close())

  test('money: cents ↔ decimal strings, never floats', () => {
    assert.equal(centsToDecimal(36100), '361.00')
    assert.equal(centsToDecimal(9550), '95.50')
    assert.equal(centsToDecimal(5), '0.05')
    assert.equal(centsToDecimal(-150), '-1.50')
    assert.throws(() => centsToDecimal(1.5), RangeError)
    assert.equal(decimalToCents('361.00'), 36100)
    assert.equal(decimalToCents('25.5'), 2550)
    assert.equal(decimalToCents('5'), 500)
    assert.throws(() => decimalToCents('1.234'), RangeError)
    assert.throws(() => decimalToCents('abc'), RangeError)
  })

  test('parses answers that start with the byte order mark Authorize.Net sends', () => {
    assert.deepEqual(parseAuthorizeNetJson('\uFEFF{"a":1}'), { a: 1 })
    assert.deepEqual(parseAuthorizeNetJson('{"a":1}'), { a: 1 })
    assert.throws(() => parseAuthorizeNetJson('\uFEFF[1]'), SyntaxError)
  })

  test('settings: sandbox outside production, another base URL for the fake', () => {
    assert.deepEqual(readAuthorizeNetSettings({}, { production: false }), { apiUrl: undefined, sandbox: true, timeoutMs: 30_000 })
    assert.equal(readAuthorizeNetSettings({}, { production: true }).sandbox, false)
    assert.equal(readAuthorizeNetSettings({ AUTHORIZE_NET_API_URL: 'http://127.0.0.1:9/' }, { production: true }).apiUrl, 'http://127.0.0.1:9/')
  })

  test('a charge sends line items, order, tax exemption and the duplicate window in schema order, and returns the transaction id', async () => {
    fake.reset()
    const result = await processor.charge(order('token-ok-1'))
    assert.equal(result.transactionId, '120000000101')
    assert.equal(result.accountNumber, 'XXXX1111')
    const sent = fake.requests[0]!.createTransactionRequest
    assert.deepEqual(Object.keys(sent), ['merchantAuthentication', 'transactionRequest'])
    assert.deepEqual(sent.merchantAuthentication, { name: 'login-1', transactionKey: 'key-1' })
    assert.deepEqual(Object.keys(sent.transactionRequest), ['transactionType', 'amount', 'currencyCode', 'payment', 'order', 'lineItems', 'taxExempt', 'transactionSettings'])
    const [recorded] = fake.transactions
    assert.equal(recorded!.amount, '361.00')
    assert.equal(recorded!.currencyCode, 'USD')
    assert.equal(recorded!.orderDescription, 'LICENSEE#p1#')
    assert.equal(recorded!.duplicateWindow, '35')
    assert.equal(recorded!.taxExempt, 'true')
    assert.equal(recorded!.status, 'capturedPendingSettlement')
    assert.deepEqual(
      recorded!.lineItems.map((item) => [item.itemId, item.quantity, item.unitPrice]),
      [
        ['priv:aslp-oh-slp', '1', '50.00'],
        ['priv:aslp-ky-slp', '1', '200.00'],
        ['aslp-compact-fee', '2', '50.50'],
        ['credit-card-transaction-fee', '2', '5.00'],
      ],
    )
  })

  test('refuses to send line items that do not add up to the amount', async () => {
    await assert.rejects(processor.charge(order('token-x', { amount: 36000 })), RangeError)
  })

  test('a declined card is a PaymentDeclinedError with the processor code and text, and takes a transaction id', async () => {
    fake.reset()
    const error = await processor.charge(order('qa-decline')).catch((caught: unknown) => caught)
    assert.ok(error instanceof PaymentDeclinedError)
    assert.equal(error.code, '2')
    assert.equal(error.text, 'This transaction has been declined.')
    assert.equal(error.message, 'Failed to process transaction. Error code: 2, Error message: This transaction has been declined.')
    assert.equal(fake.transactions[0]!.status, 'declined')
    assert.equal(fake.transactions[0]!.transactionId, '120000000101')
    assert.equal((await processor.charge(order('token-after-decline'))).transactionId, '120000000102')
    fake.reset(500)
    assert.equal((await processor.charge(order('token-after-reset'))).transactionId, '500')
  })

  test('the same order within the duplicate window is refused (error 11); after the window it goes through', async () => {
    fake.reset()
    await processor.charge(order('token-dup'))
    clock += 34_000
    const error = await processor.charge(order('token-dup')).catch((caught: unknown) => caught)
    assert.ok(error instanceof PaymentDeclinedError)
    assert.equal(error.code, '11')
    assert.equal(error.text, 'A duplicate transaction has been submitted.')
    // A different amount or token is not a duplicate.
    await processor.charge(order('token-dup-2'))
    clock += 2_000
    assert.equal((await processor.charge(order('token-dup'))).transactionId, '120000000103')
    assert.deepEqual(
      fake.transactions.map((transaction) => transaction.status),
      ['capturedPendingSettlement', 'failed', 'capturedPendingSettlement', 'capturedPendingSettlement'],
    )
  })

  test('an API-level failure and bad credentials are PaymentProcessorErrors, never declines', async () => {
    fake.reset()
    const apiFailure = await processor.charge(order('qa-api-error')).catch((caught: unknown) => caught)
    assert.ok(apiFailure instanceof PaymentProcessorError)
    assert.equal(apiFailure.kind, 'api')
    assert.equal(apiFailure.code, 'E00001')
    const wrong = new AuthorizeNetProcessor({ apiLoginId: 'login-1', transactionKey: 'wrong', apiUrl: fake.url })
    const denied = await wrong.charge(order('token-ok')).catch((caught: unknown) => caught)
    assert.ok(denied instanceof PaymentProcessorError)
    assert.equal(denied.kind, 'authentication')
    assert.equal(denied.code, 'E00007')
    await assert.rejects(wrong.merchantDetails(), (error: unknown) => error instanceof PaymentProcessorError && error.kind === 'authentication')
  })

  test('an expired card (error 8) is a decline', async () => {
    const error = await processor.charge(order('qa-expired')).catch((caught: unknown) => caught)
    assert.ok(error instanceof PaymentDeclinedError)
    assert.equal(error.code, '8')
  })

  test('void marks the transaction voided; voiding an unknown transaction fails', async () => {
    fake.reset()
    const { transactionId } = await processor.charge(order('token-void'))
    await processor.void(transactionId)
    assert.equal(fake.transactions[0]!.status, 'voided')
    await processor.void(transactionId) // already voided: Authorize.Net answers OK
    await assert.rejects(processor.void('999'), (error: unknown) => error instanceof PaymentProcessorError && error.code === '16')
  })

  test('merchant details return the public client key; settlement listings parse empty answers', async () => {
    const details = await processor.merchantDetails()
    assert.equal(details.publicClientKey, 'public-1')
    assert.deepEqual(await processor.settledBatches({ from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-01-02T00:00:00Z') }), [])
    assert.deepEqual(await processor.batchTransactions('1'), [])
  })

  test('settle() closes a batch per merchant: the batch list filters by settlement time, the transaction list pages', async () => {
    fake.reset()
    clock += 1_000_000
    const ids: string[] = []
    for (const value of ['s-1', 's-2', 's-3']) ids.push((await processor.charge(order(value))).transactionId)
    const [batch] = fake.settle({ at: new Date('2026-02-03T02:30:00Z'), statusOf: { [ids[2]!]: 'generalError' } })
    assert.deepEqual(fake.settle(), [], 'nothing left to settle')
    const window = { from: new Date('2026-02-03T00:00:00Z'), to: new Date('2026-02-04T00:00:00Z') }
    assert.deepEqual(await processor.settledBatches(window), [{ batchId: batch!.batchId, settlementTimeUTC: '2026-02-03T02:30:00Z', settlementState: 'settledSuccessfully' }])
    assert.deepEqual(await processor.settledBatches({ from: new Date('2026-02-04T00:00:00Z'), to: new Date('2026-02-05T00:00:00Z') }), [])
    const first = await processor.batchTransactions(batch!.batchId, { limit: 2, offset: 1 })
    const second = await processor.batchTransactions(batch!.batchId, { limit: 2, offset: 2 })
    assert.deepEqual(
      [...first, ...second].map((transaction) => [transaction.transId, transaction.transactionStatus, transaction.settleAmount]),
      [
        [ids[0], 'settledSuccessfully', 36100],
        [ids[1], 'settledSuccessfully', 36100],
        [ids[2], 'generalError', 36100],
      ],
    )
    assert.deepEqual(await processor.batchTransactions(batch!.batchId, { limit: 2, offset: 3 }), [])
  })

  test('transport failures (HTTP 5xx, refused connection, unreadable body) are PaymentProcessorErrors', async () => {
    fake.failNext(1)
    await assert.rejects(processor.charge(order('token-503')), (error: unknown) => error instanceof PaymentProcessorError && error.kind === 'transport')
    const closed = new AuthorizeNetProcessor({ apiLoginId: 'a', transactionKey: 'b', apiUrl: 'http://127.0.0.1:1', timeoutMs: 2000 })
    await assert.rejects(closed.merchantDetails(), (error: unknown) => error instanceof PaymentProcessorError && error.kind === 'transport')
    const garbage = createServer((_request, response) => response.end('<html>'))
    await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve))
    try {
      const unreadable = new AuthorizeNetProcessor({ apiLoginId: 'a', transactionKey: 'b', apiUrl: `http://127.0.0.1:${(garbage.address() as AddressInfo).port}` })
      await assert.rejects(unreadable.merchantDetails(), (error: unknown) => error instanceof PaymentProcessorError && error.code === 'parse')
    } finally {
      garbage.close()
    }
  })

  test('reads settled batches and transactions in both the array and the wrapped shape', async () => {
    const answers = [
      {
        batchList: [{ batchId: '12345', settlementTimeUTC: '2026-01-02T03:00:00Z', settlementState: 'settledSuccessfully' }],
        messages: { resultCode: 'Ok', message: [{ code: 'I00001', text: 'Successful.' }] },
      },
      {
        transactions: { transaction: [{ transId: '120000000101', submitTimeUTC: '2026-01-01T10:00:00Z', transactionStatus: 'settledSuccessfully', invoiceNumber: 'x', settleAmount: 361 }] },
        messages: { resultCode: 'Ok', message: [{ code: 'I00001', text: 'Successful.' }] },
      },
    ]
    const fakeFetch = (async () => new Response('\uFEFF' + JSON.stringify(answers.shift()))) as typeof fetch
    const scripted = new AuthorizeNetProcessor({ apiLoginId: 'a', transactionKey: 'b', fetch: fakeFetch })
    assert.deepEqual(await scripted.settledBatches({ from: new Date(), to: new Date() }), [{ batchId: '12345', settlementTimeUTC: '2026-01-02T03:00:00Z', settlementState: 'settledSuccessfully' }])
    assert.deepEqual(await scripted.batchTransactions('12345'), [
      { transId: '120000000101', submitTimeUTC: '2026-01-01T10:00:00Z', transactionStatus: 'settledSuccessfully', invoiceNumber: 'x', settleAmount: 36100 },
    ])
  })
})
