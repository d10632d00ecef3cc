// The kernel's REST contract tests over Gom's REST routes (/auth/*, /webpush/*): bounded fields,
// refusals in the original's shape, preflights, nulls, and a seeded fuzz with no 5xx.
import { after, before } from 'node:test'
import { restContractTests } from '@hearth/kernel/testing'
import { WEBPUSH_PERMISSION } from '../src/modules/webpush/webpush.routes.ts'
import { headersOf, ping } from './session.ts'
import { asU1, startGom, type Gom } from './helpers.ts'

let gom: Gom
before(async () => {
  // The fuzz fails many logins from one address: a roomy slow-brute budget keeps later cases meaningful.
  gom = await startGom({ GOM_LOGIN_SLOW_BRUTE_POINTS: '100000' })
})
after(() => gom?.close())

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** NestJS' body: `{ statusCode, message: string | string[], error? }` and nothing else. */
function isNestError(body: unknown, status: number): boolean {
  if (!isObject(body)) return false
  if (!Object.keys(body).every((key) => ['statusCode', 'message', 'error'].includes(key))) return false
  const messageOk = typeof body.message === 'string' || (Array.isArray(body.message) && body.message.every((entry) => typeof entry === 'string'))
  return body.statusCode === status && messageOk && (body.error === undefined || typeof body.error === 'string')
}

restContractTests(() => ({
  app: gom.app,
  // A fresh session each time: the fuzz signs in and out, which regenerates or ends sessions.
  headersHolding: async (required) => (required?.includes(WEBPUSH_PERMISSION) ? (await asU1(gom.app)).headers : headersOf(await ping(gom.app))),
  headersLacking: () => undefined,
  refusalStatuses: { anonymous: [403], lacking: [403] },
  isErrorBody: isNestError,
  corsOrigin: false,
  corsRequestHeaders: 'content-type, x-csrf-token',
  skip: { 'POST /qa/seedDatabase': 'empties the data under test (QA only)' },
}))
