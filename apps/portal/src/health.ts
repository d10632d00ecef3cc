/** One app as the launcher hands it to the portal. */
export interface PortalEntry {
  name: string
  /** Where the app listens, e.g. `http://127.0.0.1:8005`. */
  url: string
  /** Its API reference: `/docs` (REST) or `/graphiql` (GraphQL), as a full URL. */
  docsUrl: string
  /** Ready-to-paste demo credentials: label → value. */
  credentials: Record<string, string>
}

export interface AppHealth {
  name: string
  status: 'up' | 'down'
  /** What the app's `/health` answered, or why it could not be reached. */
  detail: string
  latencyMs: number
}

/**
 * Asks each app's `/health`, all at once, from the server: the apps send no CORS headers, so a page
 * could not ask them itself. An app that does not answer 2xx within the timeout is down.
 */
export async function checkHealth(entries: readonly PortalEntry[], timeoutMs: number): Promise<AppHealth[]> {
  return Promise.all(
    entries.map(async (entry): Promise<AppHealth> => {
      const started = performance.now()
      const latency = () => Math.round(performance.now() - started)
      try {
        const response = await fetch(new URL('/health', entry.url), {
          signal: AbortSignal.timeout(timeoutMs),
          headers: { accept: 'application/json' },
        })
        await response.arrayBuffer()
        const ok = response.status >= 200 && response.status < 300
        return { name: entry.name, status: ok ? 'up' : 'down', detail: `HTTP ${response.status}`, latencyMs: latency() }
      } catch (error) {
        const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'not reachable'
        return { name: entry.name, status: 'down', detail: reason, latencyMs: latency() }
      }
    }),
  )
}
