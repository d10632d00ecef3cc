import { AjvCompiler } from '@fastify/ajv-compiler'
import type { FastifySchemaCompiler, FastifyServerOptions } from 'fastify'

/**
 * The one request validator every Hearth app uses (Fastify's `schemaController`), as strict as the
 * originals were:
 *
 * - **Bodies are never coerced and get no defaults.** `"2500"`, `true` and `null` stay what they are
 *   and are refused where the schema says otherwise, so a nullable field is `null` in, `null` stored.
 * - **Path, query and header values are text** (HTTP has no other type): a value whose schema wants a
 *   number or a boolean is converted when it is exactly one, and declared query defaults apply.
 * - **Strings PostgreSQL cannot hold are refused**: a NUL byte or a lone UTF-16 surrogate anywhere in
 *   a body, path, query or header value is a validation failure, like any other.
 * - **Numbers beyond the exact range of a double's integers are refused** whatever the schema says
 *   (the route schemas bound each field to its column; this is the net under them).
 *
 * A failure is an error carrying Ajv's `validation` list and the part it came from, which the kernel's
 * error handler turns into the app's validation error body.
 */

export type HttpPart = 'body' | 'querystring' | 'params' | 'headers'

const shared = { removeAdditional: false, allErrors: true, strict: false } as const
/** Ajv options for JSON bodies: what the originals had (no coercion, no defaults). */
export const bodyAjvOptions = { ...shared, coerceTypes: false, useDefaults: false } as const
/** Ajv options for path, query and headers: text converted to the declared scalar type. */
export const textAjvOptions = { ...shared, coerceTypes: 'array', useDefaults: true } as const

export interface ValidationFailureDetail {
  instancePath: string
  schemaPath: string
  keyword: string
  params: Record<string, unknown>
  message: string
}

/** A value met while walking, and where it sits (its path is only written out for a failure). */
interface Visit {
  value: unknown
  parent: Visit | undefined
  key: string | number
}

function pathOf(visit: Visit): string {
  let path = ''
  for (let at: Visit | undefined = visit; at?.parent !== undefined; at = at.parent) {
    path = `/${typeof at.key === 'number' ? at.key : at.key.replaceAll('~', '~0').replaceAll('/', '~1')}${path}`
  }
  return path
}

/** Why a value cannot be stored, or undefined when it can. Walks without recursion (no stack limit). */
export function unstorableValue(value: unknown): { instancePath: string; message: string } | undefined {
  const stack: Visit[] = [{ value, parent: undefined, key: '' }]
  while (stack.length > 0) {
    const visit = stack.pop()!
    const current = visit.value
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return { instancePath: pathOf(visit), message: 'must not contain NUL characters' }
      if (!current.isWellFormed()) return { instancePath: pathOf(visit), message: 'must be valid Unicode (no lone surrogates)' }
    } else if (typeof current === 'number') {
      if (!Number.isFinite(current) || Math.abs(current) > Number.MAX_SAFE_INTEGER) {
        return { instancePath: pathOf(visit), message: `must be between ${-Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}` }
      }
    } else if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index--) stack.push({ value: current[index], parent: visit, key: index })
    } else if (current !== null && typeof current === 'object') {
      for (const key of Object.keys(current)) {
        if (key.includes('\u0000') || !key.isWellFormed()) return { instancePath: pathOf(visit), message: 'must not have a property name with NUL characters or lone surrogates' }
        stack.push({ value: (current as Record<string, unknown>)[key], parent: visit, key })
      }
    }
  }
  return undefined
}

function validationError(part: HttpPart, details: ValidationFailureDetail[]): Error {
  const first = details[0]
  const error = new Error(first ? `${part}${first.instancePath} ${first.message}` : `invalid ${part}`)
  return Object.assign(error, { statusCode: 400, validation: details, validationContext: part })
}

type SchemaLike = Record<string, unknown> & { '~optional'?: boolean }

/**
 * A schema compiler for one Fastify instance: the two Ajv option sets, each with the instance's
 * shared schemas (`addSchema`), and the storability check after Ajv.
 */
type BuildValidator = NonNullable<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']>

function buildValidatorFactory(): BuildValidator {
  const pool = AjvCompiler()
  const factory = (externalSchemas: unknown, options: { customOptions?: object } | undefined) => {
    const forBody = pool(externalSchemas as never, { ...options, customOptions: { ...options?.customOptions, ...bodyAjvOptions } } as never)
    const forText = pool(externalSchemas as never, { ...options, customOptions: { ...options?.customOptions, ...textAjvOptions } } as never)
    const compile: FastifySchemaCompiler<SchemaLike> = (route) => {
      const part = (route.httpPart ?? 'body') as HttpPart
      const check = (part === 'body' ? forBody : forText)(route as never) as ((data: unknown) => boolean) & { errors?: ValidationFailureDetail[] | null }
      // A whole body declared optional (TypeBox `Type.Optional`) may be absent; Fastify hands an
      // absent body to validators as `null`.
      const optional = part === 'body' && route.schema['~optional'] === true
      return (data: unknown) => {
        if (optional && data === null) return { value: undefined }
        if (!check(data)) return { error: validationError(part, [...(check.errors ?? [])]) }
        const unstorable = unstorableValue(data)
        if (unstorable) {
          return { error: validationError(part, [{ ...unstorable, schemaPath: '#', keyword: 'storable', params: {} }]) }
        }
        return { value: data }
      }
    }
    return compile as never
  }
  return factory as BuildValidator
}

/** Fastify's `schemaController` option for every Hearth app. */
export function hearthSchemaController(serializers: ReturnType<typeof import('./serialization.ts').buildSerializerFactory>): FastifyServerOptions['schemaController'] {
  return { compilersFactory: { buildValidator: buildValidatorFactory(), buildSerializer: serializers } }
}
