import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import type { FastifyServerOptions } from 'fastify'

/**
 * Responses are written by their schema (fast-json-stringify), which is fast but forgiving in a way
 * that breaks the wire contract silently: a `null` where the schema says integer is written as `0`,
 * a `null` string as `""`. So, unless switched off (`RESPONSE_VALIDATION=false`, the production
 * default), every payload is first checked against its schema, and a payload the schema cannot
 * represent is a 500 with the mismatch in the log instead of a quietly wrong answer. Unlisted
 * properties are still dropped (that is the schema's job), so the check ignores
 * `additionalProperties`.
 */

type Schema = Record<string, unknown>

/**
 * What the check leaves out: input rules (patterns, formats, ranges, enums) are the request side's
 * business, and a stored value that predates a rule must still be readable. The check is about what
 * fast-json-stringify would misrepresent: types, nulls and missing required fields.
 */
const inputRules = new Set([
  'pattern',
  'format',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'enum',
  'const',
])

/** A deep copy for checking: types and nulls only, no `additionalProperties: false`, no nested `$id` (Ajv refuses duplicates). */
function forChecking(schema: unknown, root = true): unknown {
  if (Array.isArray(schema)) return schema.map((item) => forChecking(item, false))
  if (schema === null || typeof schema !== 'object') return schema
  const copy: Schema = {}
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'additionalProperties' && value === false) continue
    // (An object value is a property of that name in `properties`, not the keyword.)
    if (inputRules.has(key) && (typeof value !== 'object' || value === null || (key === 'enum' && Array.isArray(value)))) continue
    if (key === '$id' && !root) continue
    copy[key] = forChecking(value, false)
  }
  return copy
}

export class ResponseMismatchError extends Error {
  readonly statusCode = 500
  constructor(
    readonly route: string,
    readonly mismatches: { instancePath: string; message?: string }[],
  ) {
    super(`The response of ${route} does not match its schema: ${mismatches.map((m) => `${m.instancePath || '/'} ${m.message ?? ''}`).join('; ')}`)
    this.name = 'ResponseMismatchError'
  }
}

type BuildSerializer = NonNullable<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildSerializer']>

export function buildSerializerFactory(options: { validateResponses: boolean }): BuildSerializer {
  const stringifiers = SerializerSelector()
  return (externalSchemas, serializerOptions) => {
    const build = stringifiers(externalSchemas as never, serializerOptions as never)
    if (!options.validateResponses) return build
    const ajv = new Ajv({ strict: false, allErrors: false, coerceTypes: false, useDefaults: false })
    ;(addFormats as unknown as { default: (ajv: Ajv) => void }).default(ajv)
    for (const external of Object.values((externalSchemas ?? {}) as Record<string, Schema>)) ajv.addSchema(forChecking(external) as Schema)
    return (route) => {
      const serialize = build(route as never) as (data: unknown) => string
      const check = ajv.compile(forChecking(route.schema, false) as Schema)
      const where = `${route.method} ${route.url} ${route.httpStatus}`
      return (data: unknown) => {
        let plain: unknown
        try {
          plain = data === undefined ? undefined : JSON.parse(JSON.stringify(data))
        } catch {
          return serialize(data) // not JSON-representable (BigInt): left to the serializer
        }
        if (!check(plain)) throw new ResponseMismatchError(where, (check.errors ?? []).slice(0, 5))
        return serialize(data)
      }
    }
  }
}
