import type { FastifyBaseLogger } from 'fastify'
import type { Logger } from '@hearth/kernel'
import { isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql'
import { Failure } from '../modules/shared/failure.ts'
import type { DevmarktContext } from './context.ts'

type Level = 'info' | 'debug'

/**
 * The original logged every root-field call with the user, the operation, the arguments and the
 * result or failure codes. Mutations are logged at `info` (they change data); reads at `debug`,
 * because they are the hot path and the access line already records each request. Wraps only the
 * resolver: a call refused by a guard or by validation is not a call.
 */
export function logRootFieldCalls(schema: GraphQLSchema, fallbackLog: FastifyBaseLogger): void {
  const levels: [string, Level][] = [
    ['Query', 'debug'],
    ['Mutation', 'info'],
  ]
  for (const [typeName, level] of levels) {
    const type = schema.getType(typeName)
    if (!isObjectType(type)) continue
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve
      if (!resolve) continue
      const operation = `${typeName}.${field.name}`
      field.resolve = ((source, args, context: DevmarktContext, info) => {
        // Fastify's loggers are pino's (the kernel builds them), which can say whether a level is on.
        const log = ((context as { reply?: { request: { log: FastifyBaseLogger } } }).reply?.request.log ?? fallbackLog) as Logger
        if (!log.isLevelEnabled(level)) return resolve(source, args, context, info)
        return Promise.resolve(resolve(source, args, context, info)).then(async (result) => {
          const caller = await context.caller()
          log[level](
            {
              user: caller ? `${caller.user.idType}:${caller.user.userId}` : null,
              operation,
              arguments: JSON.parse(JSON.stringify(args, (_key, value) => (typeof value === 'bigint' ? value.toString() : value))),
              result: describeResult(result),
            },
            'graphql call',
          )
          return result
        })
      }) as GraphQLFieldResolver<unknown, DevmarktContext>
    }
  }
}

function describeResult(result: unknown): unknown {
  if (result instanceof Failure) return { failure: result.errors.map((error) => error.code) }
  if (typeof result === 'boolean' || result === null || result === undefined) return result ?? null
  if (Array.isArray(result)) return { items: result.length }
  return 'ok'
}
