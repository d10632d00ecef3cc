import { Redis } from 'ioredis'

export type { Redis } from 'ioredis'

/**
 * Connects to Redis and waits until it answers, so a wrong `REDIS_URL` fails at start with a clear
 * message rather than on the first request.
 */
export async function connectRedis(url: string, options: { name?: string } = {}): Promise<Redis> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectionName: options.name,
    maxRetriesPerRequest: 3,
    enableOfflineQueue: true,
  })
  try {
    await client.connect()
    await client.ping()
  } catch (error) {
    client.disconnect()
    throw new Error(`REDIS_URL: cannot reach Redis (${(error as Error).message})`)
  }
  return client
}
