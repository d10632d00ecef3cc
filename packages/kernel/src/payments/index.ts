import Stripe from 'stripe'
import type { FastifyInstance } from 'fastify'
import { EnvReader, type EnvSource } from '../config/index.ts'

export { Stripe }
export * from './money.ts'
export * from './authorize-net.ts'

/** Stripe settings from the environment (the original's names). */
export interface StripeSettings {
  /** `STRIPE_SECRET_KEY`; undefined → the app runs the local fake Stripe API (development). */
  secretKey: string | undefined
  /** `STRIPE_PUBLISHABLE_KEY`, handed to browsers. */
  publishableKey: string | undefined
  /** `STRIPE_WEBHOOK_SECRET` (`whsec_…`). */
  webhookSecret: string | undefined
  /** `STRIPE_API_URL`: another API base (the fake in tests), e.g. `http://127.0.0.1:12111`. */
  apiUrl: string | undefined
  /** `STRIPE_TIMEOUT_MS`, default 30 s as the original. */
  timeoutMs: number
}

export function readStripeSettings(source: EnvSource): StripeSettings {
  const env = new EnvReader(source)
  return {
    secretKey: env.string('STRIPE_SECRET_KEY'),
    publishableKey: env.string('STRIPE_PUBLISHABLE_KEY'),
    webhookSecret: env.string('STRIPE_WEBHOOK_SECRET'),
    apiUrl: env.url('STRIPE_API_URL', ['http:', 'https:']),
    timeoutMs: env.int('STRIPE_TIMEOUT_MS', 30_000, { min: 100 }),
  }
}

/** The official SDK, pointed at Stripe or at another API base (a local fake). */
export function createStripeClient(options: { secretKey: string; apiUrl?: string; timeoutMs?: number; maxNetworkRetries?: number }): Stripe {
  const base = options.apiUrl ? new URL(options.apiUrl) : undefined
  return new Stripe(options.secretKey, {
    timeout: options.timeoutMs ?? 30_000,
    maxNetworkRetries: options.maxNetworkRetries ?? 1,
    ...(base
      ? {
          host: base.hostname,
          port: base.port || (base.protocol === 'https:' ? 443 : 80),
          protocol: base.protocol.replace(':', '') as 'http' | 'https',
        }
      : {}),
  })
}

export class WebhookSignatureError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'WebhookSignatureError'
  }
}

/**
 * Verifies a Stripe webhook on its raw body (Stripe's `t=…,v1=…` HMAC scheme with a 5-minute
 * tolerance) and returns the event. Throws WebhookSignatureError for anything that does not pass.
 */
export function verifyStripeWebhook(rawBody: string | Buffer, signature: string, secret: string): Stripe.Event {
  try {
    return Stripe.webhooks.constructEvent(rawBody, signature, secret)
  } catch (error) {
    throw new WebhookSignatureError((error as Error).message)
  }
}

/** Signs a payload the way Stripe does; for fakes and tests. */
export function signStripePayload(payload: string, secret: string, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp })
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as received, on routes under `registerRawJsonBody`. */
    rawBody?: string
  }
}

/**
 * For webhook routes: JSON bodies are parsed as usual (so route schemas still validate) but the raw
 * text is kept on `request.rawBody` for signature checks. Register it inside an encapsulated plugin
 * that holds only the webhook route, so other routes keep the default parser.
 */
export function registerRawJsonBody(app: FastifyInstance, contentTypes: (string | RegExp)[] = ['application/json']): void {
  for (const type of contentTypes) app.removeContentTypeParser(type)
  app.addContentTypeParser(contentTypes as never, { parseAs: 'string' }, (request, body, done) => {
    const text = body as string
    request.rawBody = text
    try {
      done(null, text.length === 0 ? undefined : JSON.parse(text))
    } catch (error) {
      const failure = error as Error & { statusCode?: number; code?: string }
      failure.code = 'FST_ERR_CTP_INVALID_JSON_BODY'
      failure.statusCode = 400
      done(failure, undefined)
    }
  })
}
