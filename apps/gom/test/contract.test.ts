// The contract tests the kernel generates from Gom's schema: every root field refuses an anonymous
// caller (the session layer's 403 jwt_error) and a caller lacking its permission (FORBIDDEN); every
// nullable input accepts null; a seeded fuzz of every root field and of hostile requests never gets
// a 5xx, an answer outside Gom's documented shapes, or leaked internals.
import { after, before } from 'node:test'
import { graphqlContractTests, isRequestError, type ContractResponse, type RootField } from '@hearth/kernel/testing'
import type { GomEventBus } from '../src/events.ts'
import { buildGomSchema } from '../src/graphql/schema.ts'
import { FIELD_PERMISSIONS } from '../src/permissions.ts'
import type { SignedIn } from './session.ts'
import { asC1, asU1, startGom, type Gom } from './helpers.ts'

let gom: Gom
let seller: SignedIn
let customer: SignedIn
before(async () => {
  gom = await startGom()
  seller = await asU1(gom.app)
  customer = await asC1(gom.app)
})
after(() => gom?.close())

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const only = (value: Record<string, unknown>, keys: string[]) => Object.keys(value).every((key) => keys.includes(key))

/** A GraphQL answer with errors, each carrying `extensions.code`; or Gom's REST error body. */
function isGomErrorShape(response: ContractResponse): boolean {
  if (!/application\/json/.test(String(response.headers['content-type']))) return false
  const body = response.body
  if (!isObject(body)) return false
  // The REST shape `{statusCode, message, error}`: the session layer's 403s, and 404 for methods /graphql does not serve.
  if (response.status >= 400 && response.status < 500 && only(body, ['statusCode', 'message', 'error']) && typeof body.message === 'string' && typeof body.error === 'string') return true
  if (!only(body, ['data', 'errors'])) return false
  if (body.data !== undefined && body.data !== null && !isObject(body.data)) return false
  return (
    Array.isArray(body.errors) &&
    body.errors.length > 0 &&
    body.errors.every((error) => isObject(error) && typeof error.message === 'string' && isObject(error.extensions) && typeof error.extensions.code === 'string')
  )
}

function isGomRefusal(response: ContractResponse, field: RootField, caller: 'anonymous' | 'lacking'): boolean {
  const body = response.body as Record<string, unknown>
  // Without a session the request stops at the CSRF check (POST) or the split-JWT check (GET), 403.
  if (caller === 'anonymous') return response.status === 403 && (body.error === 'jwt_error' || body.error === 'EBADCSRFTOKEN')
  const errors = body.errors as { extensions: { code: string } }[] | undefined
  const value = isObject(body.data) ? body.data[field.name] : body.data // a non-null field nulls the whole data
  return response.status === 200 && value === null && errors?.[0]?.extensions.code === 'FORBIDDEN'
}

const requirement = (field: RootField): string | undefined => {
  const table = FIELD_PERMISSIONS[field.parentType.name as 'Query' | 'Mutation'] as Record<string, string> | undefined
  return table?.[field.name]
}

graphqlContractTests(() => ({
  app: gom.app,
  schema: buildGomSchema(gom.app.hearth.events as GomEventBus),
  requirement,
  // Customers lack every seller-only permission; every order permission is held by both roles.
  headersLacking: (required) =>
    required.split(',').some((permission) => !['create:order', 'read:order', 'read:orders', 'update:order', 'subscribe:order'].includes(permission)) ? customer.headers : undefined,
  allowedHeaders: (field) => (requirement(field)?.includes('order') ? customer.headers : seller.headers),
  // Every /graphql request needs a session (and POST its CSRF header): liveness is asked as a seller.
  liveHeaders: () => seller.headers,
  // Prisma 1 filters nest each other (OrderWhereInput → BpWhereInput → …): samples fill optional
  // fields of the arguments only, and null acceptance walks a filter only where it is the argument.
  sampleDepth: 1,
  expandInput: (type, path) => !type.name.endsWith('WhereInput') || path.length === 1,
  // An owner guard's or business rule's refusal of a sample (no caller in its `connect`, …) happens
  // during execution: the null itself was accepted. Only request errors (no `path`) reject it.
  isInputRejection: isRequestError,
  isErrorShape: isGomErrorShape,
  isRefusal: isGomRefusal,
  forbiddenText: /Internal server error/,
  seed: 20261203,
  casesPerField: 12,
}))
