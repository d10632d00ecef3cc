import mqemitter, { type MQEmitter } from 'mqemitter'
import mqemitterRedis from 'mqemitter-redis'

/**
 * Publish/subscribe between the parts of an app. In-process by default; through Redis when
 * `REDIS_URL` is set, so an event published by one process reaches subscribers in every process.
 * Topics are prefixed with a namespace (the app's schema) so apps and test runs sharing one Redis
 * never see each other's events. GraphQL subscriptions (mercurius) use `emitter` directly.
 */
export interface EventBus<Events extends Record<string, unknown> = Record<string, unknown>> {
  readonly emitter: MQEmitter
  readonly distributed: boolean
  /** The full topic name for an event, as mercurius subscriptions must use it. */
  topic<Name extends keyof Events & string>(name: Name): string
  publish<Name extends keyof Events & string>(name: Name, payload: Events[Name]): Promise<void>
  subscribe<Name extends keyof Events & string>(name: Name, handler: (payload: Events[Name]) => void): Promise<() => Promise<void>>
  close(): Promise<void>
}

export interface EventBusOptions {
  namespace: string
  redisUrl?: string
  /**
   * Called when a subscriber throws. A failing subscriber must neither keep the event from the
   * other subscribers nor fail the publisher; by default the failure becomes a process warning.
   */
  onSubscriberError?: (error: unknown, topic: string) => void
}

export async function createEventBus<Events extends Record<string, unknown>>(options: EventBusOptions): Promise<EventBus<Events>> {
  const emitter: MQEmitter = options.redisUrl ? (mqemitterRedis({ connectionString: options.redisUrl }) as unknown as MQEmitter) : mqemitter()
  if (options.redisUrl) await waitForRedisEmitter(emitter)
  const topic = (name: string) => `${options.namespace}/${name}`
  const reportSubscriberError =
    options.onSubscriberError ??
    ((error: unknown, failedTopic: string) => process.emitWarning(`an event subscriber for ${failedTopic} failed: ${(error as Error)?.message ?? String(error)}`, 'HearthEventWarning'))
  let closed = false
  return {
    emitter,
    distributed: options.redisUrl !== undefined,
    topic,
    publish: (name, payload) => new Promise((resolve, reject) => emitter.emit({ topic: topic(name), payload }, (error?: Error) => (error ? reject(error) : resolve()))),
    subscribe: (name, handler) =>
      new Promise((resolve) => {
        const listener = (message: Record<string, unknown>, done: () => void) => {
          try {
            handler(message.payload as never)
          } catch (error) {
            reportSubscriberError(error, topic(name))
          } finally {
            done()
          }
        }
        emitter.on(topic(name), listener, () => resolve(() => new Promise<void>((done) => emitter.removeListener(topic(name), listener, () => done()))))
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve()
        closed = true
        emitter.close(() => resolve())
      }),
  }
}

/** mqemitter-redis subscribes lazily; publishing before its connections are up loses messages. */
function waitForRedisEmitter(emitter: MQEmitter): Promise<void> {
  const state = emitter as unknown as { state?: { on(event: string, fn: () => void): void }; subConn?: { status: string; once(event: string, fn: () => void): void } }
  const connection = state.subConn
  if (!connection || connection.status === 'ready') return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('REDIS_URL: the event bus could not connect to Redis')), 10_000)
    connection.once('ready', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}
