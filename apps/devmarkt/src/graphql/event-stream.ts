import type { DevmarktEventBus, DevmarktEvents } from '../events.ts'

const MAX_QUEUED = 1000

/**
 * An async iterator over one bus topic for one subscription operation. It is registered with the
 * bus before it is returned, so nothing published afterwards is missed. Each event goes through
 * `deliver` (which loads the rows) when the consumer asks for it; events `deliver` maps to
 * undefined (e.g. an application deleted meanwhile) are skipped. `return()` unsubscribes.
 */
export async function eventStream<Name extends keyof DevmarktEvents & string, Value>(
  bus: DevmarktEventBus,
  name: Name,
  deliver: (payload: DevmarktEvents[Name]) => Promise<Value | undefined>,
): Promise<AsyncIterableIterator<Value>> {
  const queue: DevmarktEvents[Name][] = []
  let waiting: ((payload: DevmarktEvents[Name] | undefined) => void) | undefined
  let done = false
  const unsubscribe = await bus.subscribe(name, (payload) => {
    if (done) return
    if (waiting) {
      const wake = waiting
      waiting = undefined
      wake(payload)
    } else {
      if (queue.length >= MAX_QUEUED) queue.shift() // a consumer this slow loses the oldest events
      queue.push(payload)
    }
  })
  const finish = async (): Promise<IteratorResult<Value>> => {
    if (!done) {
      done = true
      waiting?.(undefined)
      waiting = undefined
      queue.length = 0
      await unsubscribe()
    }
    return { value: undefined, done: true }
  }
  const iterator: AsyncIterableIterator<Value> = {
    async next() {
      while (!done) {
        const payload = queue.length > 0 ? queue.shift() : await new Promise<DevmarktEvents[Name] | undefined>((resolve) => (waiting = resolve))
        if (done || payload === undefined) break
        const value = await deliver(payload)
        if (value !== undefined && !done) return { value, done: false }
      }
      return { value: undefined, done: true }
    },
    return: finish,
    throw: async (error) => {
      await finish()
      throw error
    },
    [Symbol.asyncIterator]() {
      return iterator
    },
  }
  return iterator
}
