import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { signStripePayload } from '../../payments/index.ts'

/**
 * A local fake of the Stripe API, enough for PaymentIntents, Customers and PaymentMethods through the
 * official SDK. It never confirms a PaymentIntent by itself: confirmation is an explicit call (what
 * Stripe.js does from the donor's browser), after which it delivers a signed
 * `payment_intent.succeeded` event to the configured webhook.
 *
 * Test payment methods (as Stripe's test mode): `pm_card_visa` and card 4242… succeed;
 * `pm_card_chargeDeclined` / 4000000000000002 decline (`card_declined`, `generic_decline`);
 * `pm_card_chargeDeclinedInsufficientFunds` / 4000000000009995 decline (`insufficient_funds`);
 * `pm_card_authenticationRequired` / 4000002760003184 need authentication (off-session: declined
 * with `authentication_required`).
 */

type Behaviour = 'succeed' | 'generic_decline' | 'insufficient_funds' | 'authentication_required'
const ALIASES: Record<string, Behaviour> = {
  pm_card_visa: 'succeed',
  pm_card_mastercard: 'succeed',
  pm_card_chargeDeclined: 'generic_decline',
  pm_card_visa_chargeDeclined: 'generic_decline',
  pm_card_chargeDeclinedInsufficientFunds: 'insufficient_funds',
  pm_card_authenticationRequired: 'authentication_required',
}
const CARD_NUMBERS: Record<string, Behaviour> = {
  '4242424242424242': 'succeed',
  '5555555555554444': 'succeed',
  '4000000000000002': 'generic_decline',
  '4000000000009995': 'insufficient_funds',
  '4000002760003184': 'authentication_required',
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Stripe objects are loose JSON, built and read field by field as on the wire
type Json = Record<string, any>

export interface WebhookDelivery {
  eventId: string
  type: string
  payload: string
  signature: string
  status: number | 'error'
  paymentIntentId: string
}

export interface FakeStripeOptions {
  /** Signing secret for webhooks (`whsec_…`). */
  webhookSecret: string
  /** Where `payment_intent.succeeded` is POSTed. Either this or `deliver`. */
  webhookUrl?: string
  /** Deliver in-process instead of over HTTP (returns the HTTP status the receiver answered). */
  deliver?: (payload: string, signature: string) => Promise<number>
  /** Accepted secret key; any `sk_…` key when unset. */
  secretKey?: string
  port?: number
  /** Like Stripe, a delivery that is not answered 2xx is retried (here quickly: 50 ms, 250 ms, 1 s). */
  retryDelaysMs?: number[]
}

export interface FakeStripe {
  /** `http://127.0.0.1:<port>`, for `STRIPE_API_URL`. */
  url: string
  server: Server
  paymentIntents: Map<string, Json>
  customers: Map<string, Json>
  paymentMethods: Map<string, Json>
  deliveries: WebhookDelivery[]
  events: Json[]
  /** Sets or replaces the webhook receiver (e.g. once the app's port is known). */
  setWebhook(target: { url?: string; deliver?: FakeStripeOptions['deliver'] }): void
  /** What Stripe.js does in the browser: confirm with a payment method; then the webhook is sent. */
  confirm(paymentIntentId: string, paymentMethod?: string): Promise<{ status: number; body: Json }>
  /** Sends an event's webhook again, once (as a manual resend from Stripe's dashboard). */
  redeliver(eventId: string): Promise<WebhookDelivery>
  /** Forgets every idempotency key, as when Stripe's 24-hour key window has passed. */
  forgetIdempotencyKeys(): void
  /** Resolves when every webhook started so far has been answered. */
  settled(): Promise<void>
  close(): Promise<void>
}

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`
const now = () => Math.floor(Date.now() / 1000)

/** Parses Stripe's form encoding (`metadata[a]=b`, `expand[0]=x`) into nested objects. */
export function parseStripeForm(body: string): Json {
  const result: Json = {}
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const parts = rawKey.replace(/\]/g, '').split('[')
    let target: Json = result
    parts.forEach((part, index) => {
      if (index === parts.length - 1) target[part] = value
      else target = target[part] ??= {}
    })
  }
  return result
}

const bool = (value: unknown) => value === true || value === 'true'

function stripeError(status: number, error: Json) {
  return { status, body: { error: { doc_url: `https://stripe.com/docs/error-codes/${error.code ?? 'invalid-request'}`, ...error } } }
}

export async function startFakeStripe(options: FakeStripeOptions): Promise<FakeStripe> {
  const paymentIntents = new Map<string, Json>()
  const customers = new Map<string, Json>()
  const paymentMethods = new Map<string, Json>()
  const behaviours = new Map<string, Behaviour>()
  const idempotent = new Map<string, { status: number; body: Json }>()
  const deliveries: WebhookDelivery[] = []
  const events: Json[] = []
  const pending = new Set<Promise<unknown>>()
  let webhookUrl = options.webhookUrl
  let deliver = options.deliver

  function newPaymentMethod(behaviour: Behaviour, last4: string, customer: string | null = null): Json {
    const pm = {
      id: id('pm'),
      object: 'payment_method',
      type: 'card',
      card: { brand: 'visa', last4, exp_month: 12, exp_year: new Date().getUTCFullYear() + 3, country: 'GB', funding: 'credit' },
      customer,
      created: now(),
      livemode: false,
      metadata: {},
      billing_details: { address: null, email: null, name: null, phone: null },
    }
    paymentMethods.set(pm.id, pm)
    behaviours.set(pm.id, behaviour)
    return pm
  }

  /** A test alias (`pm_card_visa`) becomes a fresh payment method, as in Stripe's test mode. */
  function resolvePaymentMethod(reference: string): Json | undefined {
    if (paymentMethods.has(reference)) return paymentMethods.get(reference)
    const behaviour = ALIASES[reference]
    if (!behaviour) return undefined
    return newPaymentMethod(behaviour, behaviour === 'succeed' ? '4242' : '0002')
  }

  function noSuch(kind: string, value: string) {
    return stripeError(404, { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${kind}: '${value}'`, param: 'id' })
  }

  async function sendWebhook(event: Json): Promise<WebhookDelivery> {
    let delivery = await sendOnce(event)
    for (const delay of options.retryDelaysMs ?? [50, 250, 1000]) {
      if (typeof delivery.status === 'number' && delivery.status < 300) break
      await new Promise((resolve) => setTimeout(resolve, delay))
      delivery = await sendOnce(event)
    }
    return delivery
  }

  async function sendOnce(event: Json): Promise<WebhookDelivery> {
    const payload = JSON.stringify(event, null, 2)
    const signature = signStripePayload(payload, options.webhookSecret)
    const delivery: WebhookDelivery = { eventId: event.id, type: event.type, payload, signature, status: 'error', paymentIntentId: event.data.object.id }
    try {
      if (deliver) delivery.status = await deliver(payload, signature)
      else if (webhookUrl) {
        const response = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature }, body: payload })
        delivery.status = response.status
      }
    } catch {
      delivery.status = 'error'
    }
    deliveries.push(delivery)
    return delivery
  }

  function emit(type: string, object: Json) {
    const event = {
      id: id('evt'),
      object: 'event',
      api_version: '2026-01-28.clover',
      created: now(),
      data: { object: structuredClone(object) },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    }
    events.push(event)
    const sending = sendWebhook(event)
    pending.add(sending)
    void sending.finally(() => pending.delete(sending))
  }

  function confirmIntent(pi: Json, params: Json): { status: number; body: Json } {
    if (pi.status === 'succeeded') {
      return stripeError(400, { type: 'invalid_request_error', code: 'payment_intent_unexpected_state', message: 'This PaymentIntent has already succeeded.', payment_intent: pi })
    }
    const reference = params.payment_method ?? pi.payment_method
    if (!reference) {
      return stripeError(400, {
        type: 'invalid_request_error',
        code: 'payment_intent_unexpected_state',
        message: "You cannot confirm this PaymentIntent because it's missing a payment method.",
        payment_intent: pi,
      })
    }
    const pm = resolvePaymentMethod(reference)
    if (!pm) return noSuch('PaymentMethod', reference)
    const behaviour = behaviours.get(pm.id)!
    pi.payment_method = pm.id
    const offSession = bool(params.off_session) || bool(params.error_on_requires_action)
    if (behaviour !== 'succeed' && !(behaviour === 'authentication_required' && !offSession)) {
      const code = behaviour === 'authentication_required' ? 'authentication_required' : 'card_declined'
      const declineCode = behaviour === 'authentication_required' ? 'authentication_required' : behaviour
      const message =
        behaviour === 'insufficient_funds'
          ? 'Your card has insufficient funds.'
          : behaviour === 'authentication_required'
            ? 'Your card was declined. This transaction requires authentication.'
            : 'Your card was declined.'
      const error = { type: 'card_error', code, decline_code: declineCode, message, payment_method: pm, charge: id('ch') }
      pi.status = 'requires_payment_method'
      pi.last_payment_error = error
      pi.payment_method = null
      return stripeError(402, { ...error, payment_intent: structuredClone(pi) })
    }
    pi.status = 'succeeded'
    pi.amount_received = pi.amount
    pi.latest_charge = id('ch')
    pi.last_payment_error = null
    if (pi.setup_future_usage && pi.customer && !pm.customer) pm.customer = pi.customer
    emit('payment_intent.succeeded', pi)
    return { status: 200, body: pi }
  }

  function createIntent(params: Json): { status: number; body: Json } {
    const amount = Number(params.amount)
    if (!Number.isInteger(amount) || amount < 1) {
      return stripeError(400, { type: 'invalid_request_error', code: 'parameter_invalid_integer', param: 'amount', message: 'Invalid integer: amount' })
    }
    if (amount < 30) return stripeError(400, { type: 'invalid_request_error', code: 'amount_too_small', param: 'amount', message: 'Amount must be at least 30 pence' })
    if (!params.currency) return stripeError(400, { type: 'invalid_request_error', code: 'parameter_missing', param: 'currency', message: 'Missing required param: currency.' })
    if (params.customer && !customers.has(params.customer)) return noSuch('customer', params.customer)
    const piId = id('pi')
    const pi: Json = {
      id: piId,
      object: 'payment_intent',
      amount,
      amount_capturable: 0,
      amount_received: 0,
      automatic_payment_methods: params.automatic_payment_methods ? { enabled: bool(params.automatic_payment_methods.enabled), allow_redirects: 'always' } : null,
      capture_method: 'automatic',
      client_secret: `${piId}_secret_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'y')}`,
      confirmation_method: 'automatic',
      created: now(),
      currency: String(params.currency).toLowerCase(),
      customer: params.customer ?? null,
      description: params.description ?? null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      metadata: params.metadata ?? {},
      payment_method: null,
      payment_method_types: ['card'],
      receipt_email: params.receipt_email ?? null,
      setup_future_usage: params.setup_future_usage ?? null,
      status: 'requires_payment_method',
    }
    if (params.payment_method) {
      const pm = resolvePaymentMethod(params.payment_method)
      if (!pm) return noSuch('PaymentMethod', params.payment_method)
      pi.payment_method = pm.id
      pi.status = 'requires_confirmation'
    }
    paymentIntents.set(piId, pi)
    if (bool(params.confirm)) {
      const result = confirmIntent(pi, params)
      return result
    }
    return { status: 200, body: pi }
  }

  function route(method: string, path: string, params: Json, authorized: boolean): { status: number; body: Json } {
    const segments = path.split('/').filter(Boolean) // v1, resource, id, action
    const [version, resource, objectId, action] = segments
    if (version !== 'v1') return noSuch('route', path)
    if (resource === 'payment_intents') {
      if (!objectId && method === 'POST') return authorized ? createIntent(params) : unauthorized()
      const pi = objectId ? paymentIntents.get(objectId) : undefined
      if (!pi) return noSuch('payment_intent', objectId ?? '')
      // Stripe.js confirms with the publishable key and the client secret.
      const byClientSecret = params.client_secret !== undefined && params.client_secret === pi.client_secret
      if (!authorized && !byClientSecret) return unauthorized()
      if (method === 'GET' && !action) return { status: 200, body: pi }
      if (method === 'POST' && action === 'confirm') return confirmIntent(pi, params)
      if (method === 'POST' && action === 'cancel') {
        pi.status = 'canceled'
        return { status: 200, body: pi }
      }
    }
    if (!authorized) return unauthorized()
    if (resource === 'customers') {
      if (!objectId && method === 'POST') {
        const customer: Json = {
          id: id('cus'),
          object: 'customer',
          created: now(),
          email: params.email ?? null,
          name: params.name ?? null,
          metadata: params.metadata ?? {},
          livemode: false,
          invoice_settings: { default_payment_method: null },
        }
        if (params.payment_method) {
          const pm = resolvePaymentMethod(params.payment_method)
          if (!pm) return noSuch('PaymentMethod', params.payment_method)
          pm.customer = customer.id
        }
        customers.set(customer.id, customer)
        return { status: 200, body: customer }
      }
      const customer = objectId ? customers.get(objectId) : undefined
      if (!customer) return noSuch('customer', objectId ?? '')
      if (method === 'GET') return { status: 200, body: customer }
    }
    if (resource === 'payment_methods') {
      if (!objectId && method === 'POST') {
        const number = String(params.card?.number ?? '').replace(/\s/g, '')
        const behaviour = CARD_NUMBERS[number] ?? (params.card?.token ? 'succeed' : undefined)
        if (!behaviour) return stripeError(402, { type: 'card_error', code: 'incorrect_number', message: 'Your card number is incorrect.', param: 'card[number]' })
        return { status: 200, body: newPaymentMethod(behaviour, number.slice(-4) || '4242') }
      }
      const pm = objectId ? (resolvePaymentMethod(objectId) ?? undefined) : undefined
      if (!pm) return noSuch('PaymentMethod', objectId ?? '')
      if (method === 'GET') return { status: 200, body: pm }
      if (method === 'POST' && action === 'attach') {
        if (!customers.has(params.customer)) return noSuch('customer', params.customer)
        pm.customer = params.customer
        return { status: 200, body: pm }
      }
    }
    return noSuch('route', path)
  }

  function unauthorized() {
    return stripeError(401, { type: 'invalid_request_error', message: 'Invalid API Key provided' })
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const url = new URL(request.url ?? '/', 'http://localhost')
    const params = request.method === 'GET' ? parseStripeForm(url.searchParams.toString()) : parseStripeForm(Buffer.concat(chunks).toString('utf8'))
    const key = (request.headers.authorization ?? '').replace(/^Bearer\s+/i, '')
    const authorized = options.secretKey ? key === options.secretKey : key.startsWith('sk_')
    const idempotencyKey = request.headers['idempotency-key'] as string | undefined
    const cacheKey = idempotencyKey ? `${request.method} ${url.pathname} ${idempotencyKey}` : undefined
    let result = cacheKey ? idempotent.get(cacheKey) : undefined
    if (!result) {
      result = route(request.method ?? 'GET', url.pathname, params, authorized)
      if (cacheKey && result.status !== 401 && result.status < 500) idempotent.set(cacheKey, structuredClone(result))
    }
    response.writeHead(result.status, { 'content-type': 'application/json', 'request-id': id('req'), ...(cacheKey ? { 'idempotency-key': idempotencyKey } : {}) })
    response.end(JSON.stringify(result.body))
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error) => {
      response.writeHead(500, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ error: { type: 'api_error', message: String(error) } }))
    })
  })
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port

  return {
    url: `http://127.0.0.1:${port}`,
    server,
    paymentIntents,
    customers,
    paymentMethods,
    deliveries,
    events,
    setWebhook(target) {
      webhookUrl = target.url
      deliver = target.deliver
    },
    async confirm(paymentIntentId, paymentMethod = 'pm_card_visa') {
      const pi = paymentIntents.get(paymentIntentId)
      const result = pi ? confirmIntent(pi, { payment_method: paymentMethod }) : noSuch('payment_intent', paymentIntentId)
      await Promise.allSettled([...pending])
      return result
    },
    async redeliver(eventId) {
      const event = events.find((candidate) => candidate.id === eventId)
      if (!event) throw new Error(`no event ${eventId}`)
      return sendOnce(event)
    },
    forgetIdempotencyKeys() {
      idempotent.clear()
    },
    async settled() {
      while (pending.size > 0) await Promise.allSettled([...pending])
    },
    async close() {
      await Promise.allSettled([...pending])
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
