import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A local fake of Authorize.Net's JSON API (`POST /xml/v1/request.api`), enough for
 * `createTransactionRequest` (`authCaptureTransaction`, `voidTransaction`),
 * `getMerchantDetailsRequest`, `getSettledBatchListRequest` and `getTransactionListRequest`.
 * Nothing settles by itself: `settle()` closes a batch (the processor's nightly settlement), after
 * which the batch list (by settlement time, per merchant) and the batch's transaction list (paged:
 * `paging.limit`, `paging.offset` = 1-based page number) report it. Answers carry Authorize.Net's
 * UTF-8 byte order mark.
 *
 * Outcomes of `authCaptureTransaction` by `payment.opaqueData.dataValue` (or, for raw card
 * payments, `payment.creditCard.cardNumber`):
 * - `qa-decline` / card `4000000000000002` → declined: response code 2, error `2`
 *   `This transaction has been declined.`;
 * - `qa-api-error` / card `4000000000000119` → an API-level failure: `resultCode: Error`, `E00001`
 *   `An error occurred during processing. Please try again.` and no transaction response;
 * - `qa-expired` / card `4000000000000069` → response code 3, error `8` `The credit card has expired.`;
 * - a request with the same amount, order description and `dataValue` as an approved or declined
 *   one within its `duplicateWindow` seconds (120 when unset) → response code 3, error `11`
 *   `A duplicate transaction has been submitted.`;
 * - anything else is approved (response code 1, status `capturedPendingSettlement`).
 * Transaction ids are consecutive from `firstTransactionId`; approved and declined requests take
 * one, duplicates and API errors answer `transId: "0"`.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Authorize.Net requests are loose JSON, read field by field
type Json = Record<string, any>

export interface FakeAuthorizeNetLineItem {
  itemId: string
  name: string
  description: string
  quantity: string
  unitPrice: string
}

/** One `authCaptureTransaction` as the fake received it (decimal strings exactly as sent). */
export interface FakeAuthorizeNetTransaction {
  transactionId: string
  transactionType: string
  status: 'capturedPendingSettlement' | 'declined' | 'failed' | 'voided' | 'settledSuccessfully' | 'settlementError' | 'generalError'
  amount: string
  currencyCode: string
  orderDescription: string | null
  invoiceNumber: string | null
  duplicateWindow: string | null
  taxExempt: string | null
  dataValue: string | null
  lineItems: FakeAuthorizeNetLineItem[]
  apiLoginId: string
  receivedAt: Date
  /** Set by `settle()`. */
  batchId?: string
}

/** One settled batch (`settle()`). */
export interface FakeAuthorizeNetBatch {
  batchId: string
  apiLoginId: string
  settlementTime: Date
  settlementState: 'settledSuccessfully' | 'settlementError'
  transactionIds: string[]
}

export interface FakeSettleOptions {
  /** Settlement moment (default: the fake's clock). */
  at?: Date
  /** Only this merchant's transactions (default: every merchant, one batch each). */
  apiLoginId?: string
  /** `settlementError` marks the batch and its transactions as failed to settle. */
  settlementState?: 'settledSuccessfully' | 'settlementError'
  /** Per-transaction status override (e.g. `generalError`). */
  statusOf?: Record<string, 'settledSuccessfully' | 'settlementError' | 'generalError'>
}

export interface FakeAuthorizeNetMerchant {
  apiLoginId: string
  transactionKey: string
  publicClientKey?: string
  merchantName?: string
}

export interface FakeAuthorizeNetOptions {
  port?: number
  /** Accepted credentials; when unset any non-empty login id and key are accepted. */
  merchants?: FakeAuthorizeNetMerchant[]
  /** The first transaction id handed out (and again after `reset()`); default 120000000101. */
  firstTransactionId?: number
  /** The fake's clock, for duplicate windows (default Date.now). */
  now?: () => number
}

export interface FakeAuthorizeNet {
  /** `http://127.0.0.1:<port>`, the API base (`AUTHORIZE_NET_API_URL`). */
  url: string
  server: Server
  /** Every `authCaptureTransaction`, in the order received. */
  transactions: FakeAuthorizeNetTransaction[]
  /** Every request body, parsed, in the order received (merchant credentials included). */
  requests: Json[]
  /** Settled batches, oldest first. */
  batches: FakeAuthorizeNetBatch[]
  /**
   * Settles every `capturedPendingSettlement` transaction into a new batch per merchant (the nightly
   * settlement); returns the batches made (none when nothing was pending).
   */
  settle(options?: FakeSettleOptions): FakeAuthorizeNetBatch[]
  /** Forgets every transaction and request and restarts transaction ids (at `firstTransactionId` when given). */
  reset(firstTransactionId?: number): void
  /** Makes the next `n` requests of any kind answer HTTP 503 (a transport failure). */
  failNext(n: number): void
  close(): Promise<void>
}

const DECLINE_TOKENS = new Set(['qa-decline', '4000000000000002'])
const API_ERROR_TOKENS = new Set(['qa-api-error', '4000000000000119'])
const EXPIRED_TOKENS = new Set(['qa-expired', '4000000000000069'])

function ok(extra: Json = {}): Json {
  return { ...extra, messages: { resultCode: 'Ok', message: [{ code: 'I00001', text: 'Successful.' }] } }
}

function apiError(code: string, text: string, extra: Json = {}): Json {
  return { ...extra, messages: { resultCode: 'Error', message: [{ code, text }] } }
}

function transactionFailure(refId: unknown, responseCode: string, transId: string, errorCode: string, errorText: string): Json {
  return {
    transactionResponse: {
      responseCode,
      authCode: '',
      avsResultCode: 'P',
      cvvResultCode: '',
      cavvResultCode: '',
      transId,
      refTransID: '',
      transHash: '',
      testRequest: '0',
      accountNumber: 'XXXX0002',
      accountType: 'Visa',
      errors: [{ errorCode, errorText }],
      transHashSha2: '',
    },
    ...(refId !== undefined ? { refId } : {}),
    messages: { resultCode: 'Error', message: [{ code: 'E00027', text: 'The transaction was unsuccessful.' }] },
  }
}

export async function startFakeAuthorizeNet(options: FakeAuthorizeNetOptions = {}): Promise<FakeAuthorizeNet> {
  const first = options.firstTransactionId ?? 120000000101
  const now = options.now ?? (() => Date.now())
  let nextId = first
  let failures = 0
  const transactions: FakeAuthorizeNetTransaction[] = []
  const requests: Json[] = []
  const batches: FakeAuthorizeNetBatch[] = []
  let nextBatchId = 9000001
  const seenAt = new Map<string, number>()

  function merchantFor(auth: Json | undefined): FakeAuthorizeNetMerchant | undefined {
    const name = typeof auth?.name === 'string' ? auth.name : ''
    const key = typeof auth?.transactionKey === 'string' ? auth.transactionKey : ''
    if (!name || !key) return undefined
    if (!options.merchants) return { apiLoginId: name, transactionKey: key }
    return options.merchants.find((merchant) => merchant.apiLoginId === name && merchant.transactionKey === key)
  }

  function authCapture(request: Json, merchant: FakeAuthorizeNetMerchant, refId: unknown): Json {
    const transaction = request.transactionRequest as Json
    const payment = (transaction.payment ?? {}) as Json
    const token =
      typeof payment.opaqueData?.dataValue === 'string'
        ? (payment.opaqueData.dataValue as string)
        : typeof payment.creditCard?.cardNumber === 'string'
          ? (payment.creditCard.cardNumber as string)
          : null
    const amount = String(transaction.amount ?? '')
    if (!/^\d{1,13}(\.\d{1,2})?$/.test(amount) || Number(amount) <= 0) return apiError('E00027', 'A valid amount is required.')
    if (token === null) return apiError('E00003', 'The payment element is missing.')
    const settings: Json[] = Array.isArray(transaction.transactionSettings?.setting)
      ? transaction.transactionSettings.setting
      : transaction.transactionSettings?.setting
        ? [transaction.transactionSettings.setting]
        : []
    const window = settings.find((setting) => setting?.settingName === 'duplicateWindow')?.settingValue
    const rawItems: Json[] = Array.isArray(transaction.lineItems?.lineItem) ? transaction.lineItems.lineItem : transaction.lineItems?.lineItem ? [transaction.lineItems.lineItem] : []
    const record: FakeAuthorizeNetTransaction = {
      transactionId: '0',
      transactionType: 'authCaptureTransaction',
      status: 'capturedPendingSettlement',
      amount,
      currencyCode: String(transaction.currencyCode ?? 'USD'),
      orderDescription: transaction.order?.description !== undefined ? String(transaction.order.description) : null,
      invoiceNumber: transaction.order?.invoiceNumber !== undefined ? String(transaction.order.invoiceNumber) : null,
      duplicateWindow: window !== undefined ? String(window) : null,
      taxExempt: transaction.taxExempt !== undefined ? String(transaction.taxExempt) : null,
      dataValue: token,
      lineItems: rawItems.map((item) => ({
        itemId: String(item.itemId ?? ''),
        name: String(item.name ?? ''),
        description: String(item.description ?? ''),
        quantity: String(item.quantity ?? ''),
        unitPrice: String(item.unitPrice ?? ''),
      })),
      apiLoginId: merchant.apiLoginId,
      receivedAt: new Date(now()),
    }
    transactions.push(record)

    if (API_ERROR_TOKENS.has(token)) {
      record.status = 'failed'
      return apiError('E00001', 'An error occurred during processing. Please try again.')
    }
    const fingerprint = JSON.stringify([merchant.apiLoginId, amount, record.orderDescription, token])
    const windowSeconds = window !== undefined && /^\d+$/.test(String(window)) ? Math.min(Number(window), 28_800) : 120
    const last = seenAt.get(fingerprint)
    if (last !== undefined && now() - last < windowSeconds * 1000) {
      record.status = 'failed'
      return transactionFailure(refId, '3', '0', '11', 'A duplicate transaction has been submitted.')
    }
    seenAt.set(fingerprint, now())
    record.transactionId = String(nextId++)
    if (DECLINE_TOKENS.has(token)) {
      record.status = 'declined'
      return transactionFailure(refId, '2', record.transactionId, '2', 'This transaction has been declined.')
    }
    if (EXPIRED_TOKENS.has(token)) {
      record.status = 'failed'
      return transactionFailure(refId, '3', record.transactionId, '8', 'The credit card has expired.')
    }
    return ok({
      transactionResponse: {
        responseCode: '1',
        authCode: record.transactionId.slice(-6),
        avsResultCode: 'Y',
        cvvResultCode: 'P',
        cavvResultCode: '2',
        transId: record.transactionId,
        refTransID: '',
        transHash: '',
        testRequest: '0',
        accountNumber: 'XXXX1111',
        accountType: 'Visa',
        messages: [{ code: '1', description: 'This transaction has been approved.' }],
        transHashSha2: '',
        SupplementalDataQualificationIndicator: 0,
      },
      ...(refId !== undefined ? { refId } : {}),
    })
  }

  function voidTransaction(request: Json, merchant: FakeAuthorizeNetMerchant, refId: unknown): Json {
    const reference = String(request.transactionRequest?.refTransId ?? '')
    const target = transactions.find((transaction) => transaction.transactionId === reference && transaction.transactionId !== '0' && transaction.apiLoginId === merchant.apiLoginId)
    if (!target) return transactionFailure(refId, '3', '0', '16', 'The transaction cannot be found.')
    if (target.status === 'voided')
      return ok({ transactionResponse: { responseCode: '1', transId: reference, refTransID: reference, messages: [{ code: '310', description: 'This transaction has already been voided.' }] } })
    if (target.status !== 'capturedPendingSettlement') return transactionFailure(refId, '3', '0', '16', 'The transaction cannot be found.')
    target.status = 'voided'
    return ok({
      transactionResponse: { responseCode: '1', authCode: '', transId: reference, refTransID: reference, messages: [{ code: '1', description: 'This transaction has been approved.' }] },
      ...(refId !== undefined ? { refId } : {}),
    })
  }

  const utc = (moment: Date) => moment.toISOString().replace(/\.\d{3}Z$/, 'Z')

  function settledBatchList(request: Json, merchant: FakeAuthorizeNetMerchant): Json {
    const from = Date.parse(String(request.firstSettlementDate ?? ''))
    const to = Date.parse(String(request.lastSettlementDate ?? ''))
    if (Number.isNaN(from) || Number.isNaN(to)) return apiError('E00003', 'The settlement dates are invalid.')
    if (to < from || to - from > 31 * 86_400_000) return apiError('E00059', 'The date range can not exceed 31 days.')
    const found = batches.filter((batch) => batch.apiLoginId === merchant.apiLoginId && batch.settlementTime.getTime() >= from && batch.settlementTime.getTime() <= to)
    if (found.length === 0) return ok({})
    return ok({
      batchList: found.map((batch) => ({
        batchId: batch.batchId,
        settlementTimeUTC: utc(batch.settlementTime),
        settlementTimeLocal: utc(batch.settlementTime).replace('Z', ''),
        settlementState: batch.settlementState,
        paymentMethod: 'creditCard',
        marketType: 'eCommerce',
        product: 'Card Not Present',
      })),
    })
  }

  function transactionList(request: Json, merchant: FakeAuthorizeNetMerchant): Json {
    const batch = batches.find((candidate) => candidate.batchId === String(request.batchId ?? '') && candidate.apiLoginId === merchant.apiLoginId)
    if (!batch) return ok({ totalNumInResultSet: 0 })
    const limit = Math.min(1000, Math.max(1, Number(request.paging?.limit ?? 1000) || 1000))
    const page = Math.max(1, Number(request.paging?.offset ?? 1) || 1)
    const all = batch.transactionIds.map((id) => transactions.find((transaction) => transaction.transactionId === id)!)
    const slice = all.slice((page - 1) * limit, page * limit)
    return ok({
      totalNumInResultSet: all.length,
      ...(slice.length > 0
        ? {
            transactions: slice.map((transaction) => ({
              transId: transaction.transactionId,
              submitTimeUTC: utc(transaction.receivedAt),
              submitTimeLocal: utc(transaction.receivedAt).replace('Z', ''),
              transactionStatus: transaction.status,
              invoiceNumber: transaction.invoiceNumber ?? undefined,
              accountType: 'Visa',
              accountNumber: 'XXXX1111',
              settleAmount: Number(transaction.amount),
              marketType: 'eCommerce',
              product: 'Card Not Present',
            })),
          }
        : {}),
    })
  }

  function settle(settleOptions: FakeSettleOptions = {}): FakeAuthorizeNetBatch[] {
    const at = settleOptions.at ?? new Date(now())
    const pending = transactions.filter(
      (transaction) => transaction.status === 'capturedPendingSettlement' && (settleOptions.apiLoginId === undefined || transaction.apiLoginId === settleOptions.apiLoginId),
    )
    const made: FakeAuthorizeNetBatch[] = []
    for (const apiLoginId of [...new Set(pending.map((transaction) => transaction.apiLoginId))]) {
      const state = settleOptions.settlementState ?? 'settledSuccessfully'
      const batch: FakeAuthorizeNetBatch = { batchId: String(nextBatchId++), apiLoginId, settlementTime: at, settlementState: state, transactionIds: [] }
      for (const transaction of pending.filter((candidate) => candidate.apiLoginId === apiLoginId)) {
        transaction.status = settleOptions.statusOf?.[transaction.transactionId] ?? (state === 'settlementError' ? 'settlementError' : 'settledSuccessfully')
        transaction.batchId = batch.batchId
        batch.transactionIds.push(transaction.transactionId)
      }
      batches.push(batch)
      made.push(batch)
    }
    return made
  }

  function answer(body: Json): Json {
    const [name] = Object.keys(body)
    const request = (name ? body[name] : undefined) as Json | undefined
    if (!name || !request || typeof request !== 'object') return apiError('E00003', 'The root element is missing.')
    const merchant = merchantFor(request.merchantAuthentication as Json | undefined)
    if (!merchant) return apiError('E00007', 'User authentication failed due to invalid authentication values.')
    const refId = request.refId
    switch (name) {
      case 'authenticateTestRequest':
        return ok()
      case 'getMerchantDetailsRequest':
        return ok({
          isTestMode: false,
          merchantName: merchant.merchantName ?? `Fake merchant ${merchant.apiLoginId}`,
          publicClientKey: merchant.publicClientKey ?? `fake-public-client-key-${merchant.apiLoginId}`,
          currencies: ['USD'],
        })
      case 'getSettledBatchListRequest':
        return settledBatchList(request, merchant)
      case 'getTransactionListRequest':
        return transactionList(request, merchant)
      case 'createTransactionRequest': {
        const type = request.transactionRequest?.transactionType
        if (type === 'authCaptureTransaction') return authCapture(request, merchant, refId)
        if (type === 'voidTransaction') return voidTransaction(request, merchant, refId)
        return apiError('E00003', `Unsupported transactionType in the fake: ${String(type)}`)
      }
      default:
        return apiError('E00045', `The root node does not reference a valid XML namespace or is not supported by the fake: ${name}`)
    }
  }

  function send(response: ServerResponse, status: number, body: Json): void {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
    response.end('\uFEFF' + JSON.stringify(body))
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      if (request.method !== 'POST' || request.url?.split('?')[0] !== '/xml/v1/request.api') return send(response, 404, { message: 'Not found' })
      if (failures > 0) {
        failures--
        response.writeHead(503).end('Service Unavailable')
        return
      }
      let body: Json
      try {
        const text = Buffer.concat(chunks).toString('utf8')
        body = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as Json
        if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new SyntaxError('not an object')
      } catch {
        return send(response, 200, apiError('E00002', 'The content-type specified is not supported or the JSON is malformed.'))
      }
      requests.push(body)
      send(response, 200, answer(body))
    })
  })
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    transactions,
    requests,
    batches,
    settle,
    reset(firstTransactionId?: number) {
      transactions.length = 0
      requests.length = 0
      batches.length = 0
      seenAt.clear()
      nextId = firstTransactionId ?? first
      failures = 0
    },
    failNext(n: number) {
      failures = n
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}
