import type { FastifyInstance, FastifyRequest } from 'fastify'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A POST that changes nothing (a search): answering it leaves caches cleared on change alone. */
    readOnly?: boolean
  }
}

export interface ClearedOnChangeOptions {
  /** Empties this process' caches. */
  clear(): void
  /** Tells every other process (an app event on the kernel bus, e.g. `publicListsChanged`). */
  publish(): Promise<void>
  /** Calls `handler` whenever any process published (the same event). */
  subscribe(handler: () => void): Promise<void>
  log: { warn(object: unknown, message?: string): void }
  /** What is cleared, for the log line of a failed publish ("public lists"). */
  what: string
  /**
   * Which successful requests may have changed what is cached (default `changesState`: any POST, PUT,
   * PATCH or DELETE but a `readOnly` route's). A cache of data that only some writes touch narrows it,
   * so the writes that leave it alone (e.g. Raise's donations, for its fundraiser settings) keep it warm.
   */
  changedBy?(request: FastifyRequest): boolean
}

/** The part of the kernel's event bus `ClearedOnChange.overBus` uses: one app event with an empty payload. */
export interface ChangeEventBus<Event extends string> {
  publish(name: Event, payload: Record<string, never>): Promise<void>
  subscribe(name: Event, handler: () => void): Promise<unknown>
}

/**
 * Keeps read caches whose content changes only through the app's own writes consistent across
 * processes, without naming every write: every successful POST, PUT, PATCH or DELETE (except routes
 * declared `config: { readOnly: true }`) clears them, in the process that answered it before the
 * response is sent (so the caller's own next read sees the change) and then in every other process
 * through the kernel bus. Writers that are not requests (jobs) call `changed()` themselves. A reader
 * in another process is stale for as long as the bus takes to deliver; the caches' TTL bounds it if a
 * message is ever lost, and bounds a change made behind the app's back (plain SQL).
 */
export class ClearedOnChange {
  constructor(private readonly options: ClearedOnChangeOptions) {}

  /** Told and listening through `event` on the app's kernel bus (e.g. `publicListsChanged`), how every app uses it. */
  static overBus<Event extends string>(events: ChangeEventBus<Event>, event: Event, options: Omit<ClearedOnChangeOptions, 'publish' | 'subscribe'>): ClearedOnChange {
    return new ClearedOnChange({
      ...options,
      publish: () => events.publish(event, {}),
      subscribe: async (handler) => void (await events.subscribe(event, handler)),
    })
  }

  /** Clears here, then tells every other process; a bus failure is logged (the TTL still bounds staleness). */
  async changed(): Promise<void> {
    this.options.clear()
    try {
      await this.options.publish()
    } catch (error) {
      this.options.log.warn({ err: error }, `could not publish that the ${this.options.what} changed; other processes refresh them within the TTL`)
    }
  }

  /** Keeps this process in step with changes answered by any process. */
  listen(): Promise<void> {
    return this.options.subscribe(() => this.options.clear())
  }

  /** Clears after every successful request of `app` that may have changed it (`changedBy`), before its response is sent. */
  clearOnChanges(app: FastifyInstance): void {
    const changedBy = this.options.changedBy ?? changesState
    app.addHook('onSend', async (request, reply, payload) => {
      if (reply.statusCode < 400 && changedBy(request)) await this.changed()
      return payload
    })
  }
}

/** Whether a request may have changed state: any method but GET/HEAD/OPTIONS, unless its route is `readOnly`. */
export function changesState(request: FastifyRequest): boolean {
  if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return false
  return request.routeOptions.config?.readOnly !== true
}
