import { GraphQLError, GraphQLScalarType, Kind, print, type ValueNode } from 'graphql'

const INT32_MAX = 2 ** 31 - 1

/**
 * A value as an error message shows it: primitives as written (long strings cut), lists and objects
 * only by kind — a client may send a 5,000-deep or 100,000-long one, and the message must neither
 * overflow the stack nor echo it back.
 */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  if (value === null || value === undefined) return 'null'
  return Array.isArray(value) ? 'a list' : 'an object'
}
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

function boundedInt(name: string, description: string, accepts: (value: number) => boolean, rule: string) {
  const check = (value: unknown, source: string): number => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value > INT32_MAX || value < -INT32_MAX - 1) {
      throw new GraphQLError(`${name} must be a 32-bit integer ${rule}; got ${source}`)
    }
    if (!accepts(value)) throw new GraphQLError(`${name} must be ${rule}; got ${value}`)
    return value
  }
  return new GraphQLScalarType<number, number>({
    name,
    description,
    serialize: (value) => check(value, String(value)),
    parseValue: (value) => check(value, describe(value)),
    parseLiteral: (ast: ValueNode) => {
      if (ast.kind !== Kind.INT) throw new GraphQLError(`${name} must be a 32-bit integer ${rule}; got ${print(ast)}`, { nodes: ast })
      return check(Number(ast.value), ast.value)
    },
  })
}

export const PositiveInt = boundedInt('PositiveInt', 'A 32-bit integer greater than 0.', (value) => value > 0, 'greater than 0')
export const NonNegativeInt = boundedInt('NonNegativeInt', 'A 32-bit integer of 0 or more.', (value) => value >= 0, '0 or more')
export const ApplicationId = boundedInt('ApplicationId', "An application's id (a NonNegativeInt).", (value) => value >= 0, '0 or more')

function toLong(value: unknown, source: string): bigint {
  let parsed: bigint | undefined
  if (typeof value === 'bigint') parsed = value
  else if (typeof value === 'number' && Number.isSafeInteger(value)) parsed = BigInt(value)
  else if (typeof value === 'string' && /^-?\d{1,19}$/.test(value)) parsed = BigInt(value)
  if (parsed === undefined || parsed < INT64_MIN || parsed > INT64_MAX) {
    throw new GraphQLError(`Long must be a signed 64-bit integer (a number or a numeric string); got ${source}`)
  }
  return parsed
}

/**
 * A signed 64-bit integer with full precision (Discord ids exceed 2^53): BigInt inside, an exact
 * JSON number outside. Values within 2^53 are written as plain numbers; larger ones stay BigInt and
 * the response serializer (json.ts) writes their digits unquoted.
 */
export const Long = new GraphQLScalarType<bigint, bigint | number>({
  name: 'Long',
  description: 'A signed 64-bit integer; input as an int literal or a numeric string, output as a JSON number.',
  serialize: (value) => {
    const long = toLong(value, String(value))
    return long >= BigInt(Number.MIN_SAFE_INTEGER) && long <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(long) : long
  },
  parseValue: (value) => toLong(value, describe(value)),
  parseLiteral: (ast: ValueNode) => {
    if (ast.kind === Kind.INT || ast.kind === Kind.STRING) return toLong(ast.value, ast.value)
    throw new GraphQLError(`Long must be a signed 64-bit integer; got ${print(ast)}`, { nodes: ast })
  },
})

export const TEMPLATE_NAME_MAX_LENGTH = 40

function toTemplateName(value: unknown, source: string): string {
  if (typeof value !== 'string') throw new GraphQLError(`TemplateName must be a string; got ${source}`)
  if (value.trim() === '') throw new GraphQLError('TemplateName must not be blank')
  if (value.length > TEMPLATE_NAME_MAX_LENGTH) throw new GraphQLError(`TemplateName must be at most ${TEMPLATE_NAME_MAX_LENGTH} characters; got ${value.length}`)
  return value
}

/** A template's name: not blank, at most 40 UTF-16 code units; refused on input and on output. */
export const TemplateName = new GraphQLScalarType<string, string>({
  name: 'TemplateName',
  description: 'A template name: not blank, at most 40 characters.',
  serialize: (value) => toTemplateName(value, String(value)),
  parseValue: (value) => toTemplateName(value, describe(value)),
  parseLiteral: (ast: ValueNode) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError(`TemplateName must be a string; got ${print(ast)}`, { nodes: ast })
    return toTemplateName(ast.value, ast.value)
  },
})

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/

function toDate(value: unknown): Date {
  if (typeof value === 'string' && RFC3339.test(value)) {
    const date = new Date(value)
    if (!Number.isNaN(date.getTime())) return date
  }
  throw new GraphQLError('DateTime must be an RFC 3339 date-time with an offset')
}

/** RFC 3339 date-time with an offset (written in UTC, `Z`). */
export const DateTime = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An RFC 3339 date-time with an offset.',
  serialize: (value) => {
    const date = value instanceof Date ? value : toDate(value)
    return date.toISOString()
  },
  parseValue: toDate,
  parseLiteral: (ast: ValueNode) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string', { nodes: ast })
    return toDate(ast.value)
  },
})

export const scalars = { PositiveInt, NonNegativeInt, ApplicationId, Long, TemplateName, DateTime }
