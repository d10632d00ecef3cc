import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildSchema, GraphQLError, isObjectType, isScalarType, Kind, parse, print, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql'
import type { GomEventBus } from '../events.ts'
import { filterSdl } from './filters.ts'
import { createResolvers } from './resolvers.ts'

const SDL_FILES = ['types', 'operations', 'inputs']

/** The served schema's source: the hand-written SDL plus the generated Prisma 1 filter types (also `schema.graphql`). */
export function gomSdl(): string {
  const source = [...SDL_FILES.map((name) => readFileSync(join(import.meta.dirname, 'sdl', `${name}.graphql`), 'utf8')), filterSdl()].join('\n')
  return print(parse(source))
}

const invalidDate = () => new GraphQLError('DateTime must be an ISO-8601 date-time string', { extensions: { code: 'BAD_USER_INPUT' } })

function parseDateTime(value: unknown): string {
  if (typeof value !== 'string' || value.length > 64) throw invalidDate()
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) throw invalidDate()
  return date.toISOString()
}

/** `DateTime`: ISO-8601 text on the wire (Prisma 1), a Date or text inside. */
const dateTime = {
  serialize: (value: unknown) => (value instanceof Date ? value.toISOString() : typeof value === 'string' ? new Date(value).toISOString() : null),
  parseValue: parseDateTime,
  parseLiteral: (node: { kind: string; value?: string }) => {
    if (node.kind !== Kind.STRING) throw invalidDate()
    return parseDateTime(node.value)
  },
}

export function buildGomSchema(bus: GomEventBus): GraphQLSchema {
  const schema = buildSchema(gomSdl())
  const scalar = schema.getType('DateTime')
  if (!isScalarType(scalar)) throw new Error('DateTime is not in the SDL')
  Object.assign(scalar, dateTime)
  const resolvers = createResolvers(bus) as unknown as Record<
    string,
    Record<string, GraphQLFieldResolver<unknown, unknown> | { subscribe: GraphQLFieldResolver<unknown, unknown>; resolve: GraphQLFieldResolver<unknown, unknown> }>
  >
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName)
    if (!isObjectType(type)) throw new Error(`type ${typeName} is not in the SDL`)
    const defined = type.getFields()
    for (const [fieldName, resolver] of Object.entries(fields)) {
      const field = defined[fieldName]
      if (!field) throw new Error(`field ${typeName}.${fieldName} is not in the SDL`)
      if (typeof resolver === 'function') field.resolve = resolver
      else Object.assign(field, { subscribe: resolver.subscribe, resolve: resolver.resolve })
    }
  }
  return schema
}
