import type { FastifyInstance } from 'fastify'
import type { BaseConfig } from '../config/index.ts'

/**
 * Listens, and on SIGINT/SIGTERM stops accepting, lets in-flight requests and jobs finish, closes
 * pools, then exits. Several apps may run in one process; they all close together.
 */
export async function runServers(servers: { app: FastifyInstance; config: Pick<BaseConfig, 'host' | 'port'> }[], onClose?: () => Promise<void>): Promise<void> {
  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    const timer = setTimeout(() => {
      // eslint-disable-next-line no-console -- one line for the whole process, which may run several apps, each with its own logger
      console.error(`Shutdown took longer than 15 s after ${signal}; exiting.`)
      process.exit(1)
    }, 15_000)
    timer.unref()
    await Promise.allSettled(servers.map(({ app }) => app.close()))
    await onClose?.()
    process.exit(0)
  }
  process.once('SIGINT', () => void shutdown('SIGINT'))
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
  for (const { app, config } of servers) {
    await app.listen({ host: config.host, port: config.port })
  }
}

export function listeningUrl(app: FastifyInstance): string {
  const address = app.server.address()
  if (address === null || typeof address === 'string') return String(address)
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`
}
