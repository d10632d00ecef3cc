// Gom's Web Push (spec §5): subscriptions (Redis when configured, in-process otherwise), the
// `/webpush/*` routes, and the Notifier the order and publication services call, delivering
// through kernel jobs and the kernel's push sender.
import { Agent } from 'node:https'
import type { FastifyInstance } from 'fastify'
import type { BaseConfig, Database, Redis } from '@hearth/kernel'
import { createJobRunner, type JobRunner } from '@hearth/kernel/jobs'
import { createPushSender, type PushSender } from '@hearth/kernel/push'
import type { WebPushConfig } from './webpush.config.ts'
import { redisNamespace } from '../auth/auth.config.ts'
import { BroadcastRepository } from './broadcast.repository.ts'
import { Notifier, type WebPushJobs } from './notifier.ts'
import { MemorySubscriptionStore, RedisSubscriptionStore, type SubscriptionStore } from './subscriptions.store.ts'
import { webpushRoutes } from './webpush.routes.ts'

export { Notifier, htmlToText, orderPayload, orderReceiver, type WebPushJobs } from './notifier.ts'
export { loadWebPushConfig, type WebPushConfig } from './webpush.config.ts'
export type { SubscriptionStore, StoredSubscription } from './subscriptions.store.ts'

export interface WebPush {
  notifier: Notifier
  subscriptions: SubscriptionStore
  jobs: JobRunner<WebPushJobs>
  sender: PushSender
  /** Subscriptions and queued pushes gone (QA seed; the jobs table itself is reset with the database). */
  reset(): Promise<void>
}

type Logger = { warn(object: unknown, message?: string): void; error(object: unknown, message: string): void; info(object: unknown, message: string): void }

export function buildWebPush(
  config: BaseConfig & { webpush: WebPushConfig; auth: { redisPrefix: string } },
  resources: { database: Database; redis: Redis | undefined },
  log: Logger,
  options: { pollIntervalMs?: number } = {},
): WebPush {
  const { database, redis } = resources
  const subscriptions: SubscriptionStore = redis ? new RedisSubscriptionStore(redis, redisNamespace(config, database)) : new MemorySubscriptionStore()
  const sender = createPushSender({ vapid: config.webpush.vapid, ...(config.webpush.allowInsecureTls ? { agent: new Agent({ rejectUnauthorized: false }) } : {}) })
  const notifier = new Notifier(database, subscriptions, sender, new BroadcastRepository(), log)
  const jobs = createJobRunner<WebPushJobs>({ database, handlers: notifier.handlers, pollIntervalMs: options.pollIntervalMs ?? 1000, log })
  notifier.attach(jobs)
  return { notifier, subscriptions, jobs, sender, reset: () => subscriptions.clear() }
}

/** The routes, and the job runner started with the server and stopped (after its jobs) on close. */
export async function registerWebPush(app: FastifyInstance, webpush: WebPush): Promise<void> {
  await webpushRoutes(app, webpush.subscriptions)
  app.addHook('onReady', async () => webpush.jobs.start())
  app.addHook('preClose', async () => webpush.jobs.stop())
}
