import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildSchema, isObjectType, isScalarType, isUnionType, parse, print, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql'
import type { DevmarktEventBus } from '../events.ts'
import { applyDirectives } from './directives.ts'
import { createResolvers, unionTypes } from './resolvers.ts'
import { logRootFieldCalls } from './call-log.ts'
import type { FastifyBaseLogger } from 'fastify'
import { scalars } from './scalars.ts'

/** The original's seven SDL files, merged in this order. */
const SDL_FILES = ['common', 'failure', 'misc', 'question', 'template', 'user', 'application']

/** The schema source, applied directives included (the wire contract; also `schema.graphql`). */
export function devmarktSdl(): string {
  const source = SDL_FILES.map((name) => readFileSync(join(import.meta.dirname, 'sdl', `${name}.graphql`), 'utf8')).join('\n')
  return print(parse(source))
}

/** The executable schema: scalars, resolvers, union type resolution, then the directives' behaviour. */
export function buildDevmarktSchema(bus: DevmarktEventBus, log?: FastifyBaseLogger): GraphQLSchema {
  const schema = buildSchema(devmarktSdl())
  for (const [name, implementation] of Object.entries(scalars)) {
    const type = schema.getType(name)
    if (!isScalarType(type)) throw new Error(`scalar ${name} is not in the SDL`)
    Object.assign(type, {
      description: implementation.description,
      serialize: implementation.serialize,
      parseValue: implementation.parseValue,
      parseLiteral: implementation.parseLiteral,
    })
  }
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
  for (const [name, resolveType] of Object.entries(unionTypes)) {
    const type = schema.getType(name)
    if (!isUnionType(type)) throw new Error(`union ${name} is not in the SDL`)
    type.resolveType = resolveType as never
  }
  if (log) logRootFieldCalls(schema, log) // innermost: only calls the guards let through
  applyDirectives(schema)
  return schema
}
