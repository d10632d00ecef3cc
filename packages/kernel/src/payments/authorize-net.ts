import { EnvReader, type EnvSource } from '../config/index.ts'

/**
 * A card-payment processor behind one small interface, and its Authorize.Net implementation over
 * the JSON API (`POST {base}/xml/v1/request.api`). Money is integer minor units (cents) in and out;
 * the wire carries decimal strings (`"361.00"`), written here and nowhere else.
 */

/** One line of an order as the processor records it. */
export interface PaymentLineItem {
  itemId: string
  name: string
  description: string
  quantity: number
  /** Minor units (cents). */
  unitPrice: number
  taxable?: boolean
}

/** A token for card data collected in the browser (Authorize.Net Accept.js `opaqueData`). */
export interface PaymentOpaqueData {
  dataDescriptor: string
  dataValue: string
}

export interface ChargeRequest {
  /** Minor units (cents); must equal Σ quantity × unitPrice when line items are given. */
  amount: number
  /** ISO code; Authorize.Net merchants settle in one currency, `USD` by default. */
  currencyCode?: string
  opaqueData: PaymentOpaqueData
  order: { invoiceNumber?: string; description?: string }
  lineItems?: PaymentLineItem[]
  taxExempt?: boolean
  /** Seconds in which an identical request is refused as a duplicate (Authorize.Net default 120). */
  duplicateWindowSeconds?: number
  /** Echoed back by the processor; ≤ 20 characters. */
  refId?: string
}

export interface ChargeResult {
  transactionId: string
  authCode: string | undefined
  /** e.g. `XXXX1111`. */
  accountNumber: string | undefined
  accountType: string | undefined
  /** The processor's own success text. */
  message: string | undefined
}

export interface MerchantDetails {
  /** Accept.js public client key; undefined when the merchant has none yet. */
  publicClientKey: string | undefined
  merchantName: string | undefined
  isTestMode: boolean
}

export interface SettledBatch {
  batchId: string
  settlementTimeUTC: string
  settlementState: string
}

export interface SettledTransaction {
  transId: string
  submitTimeUTC: string | undefined
  transactionStatus: string
  invoiceNumber: string | undefined
  settleAmount: number
}

export interface PaymentProcessor {
  /** Authorises and captures in one step. Throws PaymentDeclinedError or PaymentProcessorError. */
  charge(request: ChargeRequest): Promise<ChargeResult>
  /** Voids an unsettled transaction. Throws PaymentProcessorError when the processor refuses. */
  void(transactionId: string): Promise<void>
  /** Checks the credentials and returns the merchant's public details. */
  merchantDetails(): Promise<MerchantDetails>
  /** Settled batches in a window (at most 31 days, as Authorize.Net allows). */
  settledBatches(window: { from: Date; to: Date }): Promise<SettledBatch[]>
  /** Transactions of one settled batch, one page (Authorize.Net pages hold at most 1000). */
  batchTransactions(batchId: string, page?: { limit: number; offset: number }): Promise<SettledTransaction[]>
}

/**
 * The processor refused the card (declined, duplicate, expired, …): the buyer can fix it. `code` is
 * the processor's error code (`2`, `11`, `E00114`, …) and `text` its message.
 */
export class PaymentDeclinedError extends Error {
  constructor(
    readonly code: string,
    readonly text: string,
  ) {
    super(`Failed to process transaction. Error code: ${code}, Error message: ${text}`)
    this.name = 'PaymentDeclinedError'
  }
}

/**
 * Anything else: bad credentials (`authentication`), an API-level error (`api`), an unreadable
 * answer or no answer at all (`transport`). The buyer cannot fix it.
 */
export class PaymentProcessorError extends Error {
  constructor(
    readonly kind: 'authentication' | 'api' | 'transport',
    readonly code: string,
    readonly text: string,
  ) {
    super(`Payment processor error ${code}: ${text}`)
    this.name = 'PaymentProcessorError'
  }
}

export const AUTHORIZE_NET_PRODUCTION_URL = 'https://api.authorize.net'
export const AUTHORIZE_NET_SANDBOX_URL = 'https://apitest.authorize.net'
export const AUTHORIZE_NET_API_PATH = '/xml/v1/request.api'

/**
 * Transaction error codes the buyer caused (card declined, duplicate, expired card, bad card code,
 * card type not accepted, …) and the API code for an invalid Accept.js nonce. Anything else is the
 * system's problem.
 */
export const AUTHORIZE_NET_CARD_ERROR_CODES: ReadonlySet<string> = new Set(['2', '5', '6', '7', '8', '11', '17', '65', 'E00114'])

/** Authentication failures of the API (invalid login id or key, inactive or test-mode mismatch). */
const AUTHENTICATION_CODES: ReadonlySet<string> = new Set(['E00007', 'E00008', 'E00124'])

export interface AuthorizeNetSettings {
  /** `AUTHORIZE_NET_API_URL`: another API base (the local fake), e.g. `http://127.0.0.1:12112`. */
  apiUrl: string | undefined
  /** `AUTHORIZE_NET_SANDBOX` (default true outside production): the sandbox endpoint when no URL is given. */
  sandbox: boolean
  /** `AUTHORIZE_NET_TIMEOUT_MS`, default 30 s. */
  timeoutMs: number
}

export function readAuthorizeNetSettings(source: EnvSource, options: { production: boolean }): AuthorizeNetSettings {
  const env = new EnvReader(source)
  return {
    apiUrl: env.url('AUTHORIZE_NET_API_URL', ['http:', 'https:']),
    sandbox: env.bool('AUTHORIZE_NET_SANDBOX', !options.production),
    timeoutMs: env.int('AUTHORIZE_NET_TIMEOUT_MS', 30_000, { min: 100 }),
  }
}

export interface AuthorizeNetOptions {
  apiLoginId: string
  transactionKey: string
  /** API base (scheme, host, port); default the sandbox or production host per `sandbox`. */
  apiUrl?: string
  sandbox?: boolean
  timeoutMs?: number
  /** For tests: another fetch. */
  fetch?: typeof fetch
}

/** Cents → Authorize.Net's decimal string (`36100` → `"361.00"`). */
export function centsToDecimal(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`Not an integer amount of cents: ${cents}`)
  const sign = cents < 0 ? '-' : ''
  const absolute = Math.abs(cents)
  return `${sign}${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, '0')}`
}

/** Authorize.Net's decimal string → cents (`"361.00"` → 36100, `"5"` → 500). Throws on anything else. */
export function decimalToCents(text: string): number {
  const match = /^(-)?(\d{1,12})(?:\.(\d{1,2}))?$/.exec(text.trim())
  if (!match) throw new RangeError(`Not a decimal amount: ${text}`)
  const cents = Number(match[2]) * 100 + Number((match[3] ?? '0').padEnd(2, '0'))
  return match[1] ? -cents : cents
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Authorize.Net answers are loose JSON, read field by field
type Json = Record<string, any>

/** Authorize.Net prefixes its JSON answers with a UTF-8 byte order mark; JSON.parse refuses it. */
export function parseAuthorizeNetJson(text: string): Json {
  const clean = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const value: unknown = JSON.parse(clean)
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new SyntaxError('Not a JSON object')
  return value as Json
}

function firstMessage(body: Json): { code: string; text: string } {
  const list: unknown = body.messages?.message
  const first = Array.isArray(list) ? (list[0] as Json | undefined) : (list as Json | undefined)
  return { code: String(first?.code ?? 'unknown'), text: String(first?.text ?? 'No message') }
}

function transactionError(transaction: Json | undefined): { code: string; text: string } | undefined {
  const errors: unknown = transaction?.errors
  const list = Array.isArray(errors) ? errors : Array.isArray((errors as Json | undefined)?.error) ? (errors as Json).error : errors ? [errors] : []
  const first = (list as Json[])[0]
  return first ? { code: String(first.errorCode ?? 'unknown'), text: String(first.errorText ?? 'No message') } : undefined
}

/** Authorize.Net over its JSON API. */
export class AuthorizeNetProcessor implements PaymentProcessor {
  private readonly endpoint: string
  private readonly fetcher: typeof fetch
  private readonly timeoutMs: number

  constructor(private readonly options: AuthorizeNetOptions) {
    const base = options.apiUrl ?? (options.sandbox === false ? AUTHORIZE_NET_PRODUCTION_URL : AUTHORIZE_NET_SANDBOX_URL)
    this.endpoint = new URL(AUTHORIZE_NET_API_PATH, base).toString()
    this.fetcher = options.fetch ?? fetch
    this.timeoutMs = options.timeoutMs ?? 30_000
  }

  /** Sends one request (`{ <name>: { merchantAuthentication, ...body } }`) and returns the parsed answer. */
  private async call(name: string, body: Json): Promise<Json> {
    // Authorize.Net converts JSON to XML, so key order matters: merchantAuthentication comes first.
    const payload = { [name]: { merchantAuthentication: { name: this.options.apiLoginId, transactionKey: this.options.transactionKey }, ...body } }
    let text: string
    try {
      const response = await this.fetcher(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.timeoutMs),
      })
      text = await response.text()
      if (!response.ok) throw new PaymentProcessorError('transport', `HTTP ${response.status}`, text.slice(0, 200))
    } catch (error) {
      if (error instanceof PaymentProcessorError) throw error
      throw new PaymentProcessorError('transport', 'network', (error as Error).message)
    }
    try {
      return parseAuthorizeNetJson(text)
    } catch {
      throw new PaymentProcessorError('transport', 'parse', 'Unreadable answer from Authorize.Net')
    }
  }

  private static apiError(body: Json): PaymentProcessorError {
    const { code, text } = firstMessage(body)
    return new PaymentProcessorError(AUTHENTICATION_CODES.has(code) ? 'authentication' : 'api', code, text)
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    if (request.lineItems) {
      const sum = request.lineItems.reduce((total, item) => total + item.quantity * item.unitPrice, 0)
      if (sum !== request.amount) throw new RangeError(`Line items total ${sum} cents, not the amount ${request.amount}`)
    }
    // Element order follows Authorize.Net's transactionRequestType schema.
    const transactionRequest: Json = {
      transactionType: 'authCaptureTransaction',
      amount: centsToDecimal(request.amount),
      currencyCode: request.currencyCode ?? 'USD',
      payment: { opaqueData: { dataDescriptor: request.opaqueData.dataDescriptor, dataValue: request.opaqueData.dataValue } },
    }
    const order: Json = {}
    if (request.order.invoiceNumber !== undefined) order.invoiceNumber = request.order.invoiceNumber
    if (request.order.description !== undefined) order.description = request.order.description
    if (Object.keys(order).length > 0) transactionRequest.order = order
    if (request.lineItems && request.lineItems.length > 0) {
      transactionRequest.lineItems = {
        lineItem: request.lineItems.map((item) => ({
          itemId: item.itemId,
          name: item.name,
          description: item.description,
          quantity: String(item.quantity),
          unitPrice: centsToDecimal(item.unitPrice),
          ...(item.taxable !== undefined ? { taxable: item.taxable } : {}),
        })),
      }
    }
    if (request.taxExempt !== undefined) transactionRequest.taxExempt = String(request.taxExempt)
    if (request.duplicateWindowSeconds !== undefined) {
      transactionRequest.transactionSettings = { setting: [{ settingName: 'duplicateWindow', settingValue: String(request.duplicateWindowSeconds) }] }
    }
    const body = await this.call('createTransactionRequest', { ...(request.refId ? { refId: request.refId } : {}), transactionRequest })
    const transaction = body.transactionResponse as Json | undefined
    const failure = transactionError(transaction)
    const approved = body.messages?.resultCode === 'Ok' && transaction?.responseCode === '1' && !failure
    if (approved) {
      const messages: unknown = transaction?.messages
      const firstText = Array.isArray(messages) ? (messages[0] as Json | undefined)?.description : (messages as Json | undefined)?.message?.[0]?.description
      return {
        transactionId: String(transaction?.transId),
        authCode: transaction?.authCode || undefined,
        accountNumber: transaction?.accountNumber || undefined,
        accountType: transaction?.accountType || undefined,
        message: typeof firstText === 'string' ? firstText : undefined,
      }
    }
    if (failure) {
      if (AUTHORIZE_NET_CARD_ERROR_CODES.has(failure.code)) throw new PaymentDeclinedError(failure.code, failure.text)
      throw new PaymentProcessorError('api', failure.code, failure.text)
    }
    if (body.messages?.resultCode === 'Error') {
      const { code, text } = firstMessage(body)
      if (AUTHORIZE_NET_CARD_ERROR_CODES.has(code)) throw new PaymentDeclinedError(code, text)
      throw AuthorizeNetProcessor.apiError(body)
    }
    throw new PaymentProcessorError('api', String(transaction?.responseCode ?? 'unknown'), 'Transaction not approved')
  }

  async void(transactionId: string): Promise<void> {
    const body = await this.call('createTransactionRequest', { transactionRequest: { transactionType: 'voidTransaction', refTransId: transactionId } })
    const failure = transactionError(body.transactionResponse as Json | undefined)
    if (body.messages?.resultCode === 'Ok' && !failure) return
    if (failure) throw new PaymentProcessorError('api', failure.code, failure.text)
    throw AuthorizeNetProcessor.apiError(body)
  }

  async merchantDetails(): Promise<MerchantDetails> {
    const body = await this.call('getMerchantDetailsRequest', {})
    if (body.messages?.resultCode !== 'Ok') throw AuthorizeNetProcessor.apiError(body)
    return {
      publicClientKey: typeof body.publicClientKey === 'string' && body.publicClientKey !== '' ? body.publicClientKey : undefined,
      merchantName: typeof body.merchantName === 'string' ? body.merchantName : undefined,
      isTestMode: body.isTestMode === true || body.isTestMode === 'true',
    }
  }

  async settledBatches(window: { from: Date; to: Date }): Promise<SettledBatch[]> {
    const body = await this.call('getSettledBatchListRequest', {
      includeStatistics: false,
      firstSettlementDate: window.from.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      lastSettlementDate: window.to.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    })
    if (body.messages?.resultCode !== 'Ok') throw AuthorizeNetProcessor.apiError(body)
    const list: unknown = body.batchList
    const batches = (Array.isArray(list) ? list : Array.isArray((list as Json | undefined)?.batch) ? (list as Json).batch : []) as Json[]
    return batches.map((batch) => ({ batchId: String(batch.batchId), settlementTimeUTC: String(batch.settlementTimeUTC), settlementState: String(batch.settlementState) }))
  }

  async batchTransactions(batchId: string, page: { limit: number; offset: number } = { limit: 1000, offset: 1 }): Promise<SettledTransaction[]> {
    const body = await this.call('getTransactionListRequest', {
      batchId,
      sorting: { orderBy: 'submitTimeUTC', orderDescending: false },
      paging: { limit: String(page.limit), offset: String(page.offset) },
    })
    if (body.messages?.resultCode !== 'Ok') throw AuthorizeNetProcessor.apiError(body)
    const list: unknown = body.transactions
    const transactions = (Array.isArray(list) ? list : Array.isArray((list as Json | undefined)?.transaction) ? (list as Json).transaction : []) as Json[]
    return transactions.map((transaction) => ({
      transId: String(transaction.transId),
      submitTimeUTC: transaction.submitTimeUTC ? String(transaction.submitTimeUTC) : undefined,
      transactionStatus: String(transaction.transactionStatus),
      invoiceNumber: transaction.invoiceNumber ? String(transaction.invoiceNumber) : undefined,
      settleAmount: decimalToCents(String(transaction.settleAmount ?? '0')),
    }))
  }
}

export function createAuthorizeNetProcessor(options: AuthorizeNetOptions): PaymentProcessor {
  return new AuthorizeNetProcessor(options)
}
