import { WebSocket } from 'ws'

export interface WireMessage {
  type: string
  id?: string
  payload?: any // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A bare WebSocket client that records every message, for asserting protocol exchanges exactly. */
export class RawClient {
  private readonly received: WireMessage[] = []
  private waiters: (() => void)[] = []
  closeCode: number | undefined

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.received.push(JSON.parse(String(data)))
      this.wake()
    })
    socket.on('close', (code) => {
      this.closeCode = code
      this.wake()
    })
  }

  static connect(url: string, protocol: string, headers: Record<string, string> = {}): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, protocol, { headers })
      const client = new RawClient(socket)
      socket.once('open', () => resolve(client))
      socket.once('error', reject)
    })
  }

  send(message: WireMessage): void {
    this.socket.send(JSON.stringify(message))
  }

  /** The next message that is not a keep-alive, or throws after `ms`. */
  async next(ms = 5000): Promise<WireMessage> {
    const deadline = Date.now() + ms
    for (;;) {
      const index = this.received.findIndex((message) => message.type !== 'ka' && message.type !== 'ping')
      if (index >= 0) return this.received.splice(index, 1)[0]!
      if (this.closeCode !== undefined) throw new Error(`socket closed (${this.closeCode}) while waiting for a message`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error('no message in time')
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  async closed(ms = 5000): Promise<number> {
    const deadline = Date.now() + ms
    while (this.closeCode === undefined) {
      if (Date.now() > deadline) throw new Error('socket not closed in time')
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
    return this.closeCode
  }

  /** Messages received so far that nobody consumed (keep-alives excluded). */
  pending(): WireMessage[] {
    return this.received.filter((message) => message.type !== 'ka' && message.type !== 'ping')
  }

  close(): void {
    this.socket.close()
  }

  private wake() {
    const waiters = this.waiters
    this.waiters = []
    for (const wake of waiters) wake()
  }
}

/** connection_init (+ ack) and one operation started, in the given subprotocol. */
export async function subscribeRaw(url: string, protocol: 'graphql-transport-ws' | 'graphql-ws', query: string, auth: { payload?: string; header?: string }) {
  const client = await RawClient.connect(url, protocol, auth.header ? { authorization: auth.header } : {})
  client.send({ type: 'connection_init', payload: auth.payload ? { Authorization: auth.payload } : {} })
  const ack = await client.next()
  if (ack.type !== 'connection_ack') throw new Error(`expected connection_ack, got ${JSON.stringify(ack)}`)
  client.send({ type: protocol === 'graphql-ws' ? 'start' : 'subscribe', id: '1', payload: { query } })
  return client
}

/** Waits until the server has registered the subscription: the bus needs a moment (Redis SUBSCRIBE). */
export const settle = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms))
