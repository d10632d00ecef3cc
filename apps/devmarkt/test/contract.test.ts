// The contract tests the kernel generates from Devmarkt's schema: every root field refuses an
// anonymous caller and one lacking its @Auth role; every nullable input accepts null; a seeded fuzz
// of every root field and of hostile requests never gets a 5xx, an answer outside Devmarkt's
// documented shape, or leaked internals.
import { after, before } from 'node:test'
import { Kind, type DirectiveNode } from 'graphql'
import { graphqlContractTests, type ContractResponse, type RootField } from '@hearth/kernel/testing'
import type { DevmarktEventBus } from '../src/events.ts'
import { buildDevmarktSchema } from '../src/graphql/schema.ts'
import { forbiddenError, headerFixtures, startDevmarkt, UNAUTHORIZED, type Devmarkt, type HeaderFixtures } from './helpers.ts'
import { isDeepStrictEqual } from 'node:util'

let app: Devmarkt
let headers: HeaderFixtures
before(async () => {
  app = await startDevmarkt()
  headers = await headerFixtures()
})
after(() => app.close())

const directive = (field: RootField, name: string): DirectiveNode | undefined => field.field.astNode?.directives?.find((node) => node.name.value === name)

/** `@Auth(role: "user" | "admin")` on the SDL field: the role it needs. */
function authRole(field: RootField): string | undefined {
  const argument = directive(field, 'Auth')?.arguments?.find((arg) => arg.name.value === 'role')
  return argument?.value.kind === Kind.STRING ? argument.value.value : undefined
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const only = (value: Record<string, unknown>, keys: string[]) => Object.keys(value).every((key) => keys.includes(key))

/**
 * Devmarkt's documented error shape (`src/graphql/errors.ts`, README "Endpoints"): a JSON object
 * with `errors` (non-empty; each `{message, locations?, path?, extensions?}`) and optionally `data`
 * (null or an object), nothing else.
 */
function isDevmarktErrorShape(response: ContractResponse): boolean {
  if (!/application\/json/.test(String(response.headers['content-type']))) return false
  const body = response.body
  if (!isObject(body) || !only(body, ['data', 'errors'])) return false
  if (body.data !== undefined && body.data !== null && !isObject(body.data)) return false
  if (!Array.isArray(body.errors) || body.errors.length === 0) return false
  return body.errors.every(
    (error) =>
      isObject(error) &&
      only(error, ['message', 'locations', 'path', 'extensions']) &&
      typeof error.message === 'string' &&
      error.message.length > 0 &&
      (error.locations === undefined ||
        (Array.isArray(error.locations) && error.locations.every((location) => isObject(location) && typeof location.line === 'number' && typeof location.column === 'number'))) &&
      (error.path === undefined || (Array.isArray(error.path) && error.path.every((segment) => typeof segment === 'string' || typeof segment === 'number'))) &&
      (error.extensions === undefined || isObject(error.extensions)),
  )
}

/**
 * A refusal as the original writes it: 200, the field null, and exactly the UNAUTHORIZED (anonymous)
 * or FORBIDDEN (role too low) error. For `@AuthOwnApplication` fields a caller lacking the role may
 * instead meet the ownership rule first ("not yours" reads as "not there": a Failure or `false`).
 */
function isDevmarktRefusal(response: ContractResponse, field: RootField, caller: 'anonymous' | 'lacking'): boolean {
  if (response.status !== 200) return false
  const body = response.body as { data?: Record<string, unknown> | null; errors?: unknown[] }
  const value = body.data?.[field.name]
  const expected = caller === 'anonymous' ? UNAUTHORIZED : forbiddenError(field.parentType.name, field.name)
  if (isDevmarktErrorShape(response) && value === null && isDeepStrictEqual(body.errors, [expected])) return true
  const ownershipRefusal = value === false || isDeepStrictEqual(value, { __typename: 'Failure' })
  return caller === 'lacking' && directive(field, 'AuthOwnApplication') !== undefined && body.errors === undefined && ownershipRefusal
}

graphqlContractTests(() => ({
  app: app.app,
  // The app's own executable schema (scalars, directives), built on the test app's bus.
  schema: buildDevmarktSchema(app.app.hearth.events as DevmarktEventBus),
  requirement: authRole,
  // A USER lacks "admin"; testuser:1 (role NONE) lacks "user".
  headersLacking: (role) => ({ authorization: role === 'admin' ? headers.user : headers.no_roles }),
  allowedHeaders: () => ({ authorization: headers.admin }),
  isErrorShape: isDevmarktErrorShape,
  isRefusal: isDevmarktRefusal,
  // Malformed requests answer 400 (README "Endpoints"); an unexpected failure would read
  // "Internal server error", which no hostile input may reach.
  requestErrorStatus: 200, // spec §5.1: always HTTP 200, the error in the body
  forbiddenText: /Internal server error/,
  seed: 20261122,
  casesPerField: 40,
}))
