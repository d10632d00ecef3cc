import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import pino from 'pino'
import { loggerOptions } from './index.ts'
import { DeferredChildLogger } from './request-logger.ts'

/** A kernel logger (redaction and all) writing its lines into an array. */
function capturingLogger(level: string) {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString()))
      callback()
    },
  })
  const logger = pino(loggerOptions('test', level), stream)
  let children = 0
  const child = logger.child
  // pino's children inherit this property, so a child's own children are counted (and made) alike.
  logger.child = function (this: pino.Logger, ...args: Parameters<typeof logger.child>) {
    children++
    return child.apply(this, args)
  } as typeof logger.child
  return { logger, lines, childrenBuilt: () => children }
}

const withoutTime = (line: Record<string, unknown>) => {
  const { time: _time, ...rest } = line
  return rest
}

test('builds no pino child while nothing is written at an enabled level', () => {
  const { logger, lines, childrenBuilt } = capturingLogger('warn')
  const log = new DeferredChildLogger(logger, { reqId: 'r-1' }, {})
  log.info({ some: 'thing' }, 'not written')
  log.debug('not written either')
  assert.equal(log.isLevelEnabled('info'), false)
  assert.equal(log.isLevelEnabled('warn'), true)
  assert.equal(log.level, 'warn')
  assert.equal(childrenBuilt(), 0)
  assert.deepEqual(lines, [])
})

test('writes exactly the lines an eagerly built child writes, request id and redaction included', () => {
  const eager = capturingLogger('info')
  const deferred = capturingLogger('info')
  const failure = new Error('broken')
  const write = (log: pino.Logger | DeferredChildLogger) => {
    log.info({ user: { password: 'hunter2', email: 'a@example.com' } }, 'signed in as %s', 'someone')
    log.warn('token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc in a message')
    log.debug('below the level')
    log.error({ err: failure }, 'failed')
  }
  write(eager.logger.child({ reqId: 'r-2' }, {}))
  write(new DeferredChildLogger(deferred.logger, { reqId: 'r-2' }, {}))
  assert.equal(deferred.lines.length, 3)
  assert.deepEqual(deferred.lines.map(withoutTime), eager.lines.map(withoutTime))
  assert.equal(deferred.lines[0]!.reqId, 'r-2')
  assert.equal(deferred.childrenBuilt(), 1)
})

test("keeps the level the request started with: the route's logLevel, or the parent's at that moment", () => {
  const { logger, lines } = capturingLogger('info')
  const route = new DeferredChildLogger(logger, { reqId: 'r-3' }, { level: 'error' })
  route.warn('not written: the route logs errors only')
  assert.equal(route.isLevelEnabled('warn'), false)
  assert.equal(route.levelVal, 50)
  const started = new DeferredChildLogger(logger, { reqId: 'r-4' }, {})
  logger.level = 'error'
  started.info('written: the request started at info')
  assert.equal(started.level, 'info')
  started.info('still at info once the child exists')
  assert.deepEqual(
    lines.map((line) => [line.reqId, line.msg]),
    [
      ['r-4', 'written: the request started at info'],
      ['r-4', 'still at info once the child exists'],
    ],
  )
})

test('its level checks, a level set on it, its bindings and its children behave as pino', () => {
  const { logger, lines } = capturingLogger('warn')
  const log = new DeferredChildLogger(logger, { reqId: 'r-5' }, {})
  assert.deepEqual(log.bindings(), { app: 'test', reqId: 'r-5' })
  for (const level of ['trace', 'info', 'warn', 'fatal', 'silent', 'no-such-level']) {
    assert.equal(log.isLevelEnabled(level), logger.child({}).isLevelEnabled(level), level)
  }
  log.level = 'debug'
  log.debug('written after the level change')
  log.child({ step: 'inner' }).info('from a child')
  assert.deepEqual(
    lines.map((line) => [line.reqId, line.step, line.msg]),
    [
      ['r-5', undefined, 'written after the level change'],
      ['r-5', 'inner', 'from a child'],
    ],
  )
  assert.equal(logger.level, 'warn', "the parent's level is untouched")
})
