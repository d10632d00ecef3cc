import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type, type TSchema } from 'typebox'
import { ErrorBody, LIMITS, Ulid } from './schemas.ts'

export type RaiseApp = ReturnType<FastifyInstance['withTypeProvider']> & FastifyInstance
export const typed = (app: FastifyInstance) => app.withTypeProvider<TypeBoxTypeProvider>()

/** Error responses every route documents, with the `{message, details?}` body. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((status) => [status, ErrorBody]))
}
export const ADMIN_ERRORS = [400, 401, 403, 404, 409, 415, 422, 500]
export const noContent = Type.Null({ description: 'No content' })
export const security = [{ bearer: [] as string[] }]
/** Path parameters that are not ULIDs: an audit object or subject (an id, an email, `stripe`…) and a Stripe id. */
const textParams: Record<string, number> = { objectId: LIMITS.emailLength, subjectId: LIMITS.emailLength, paymentIntentId: LIMITS.shortTextLength }
export const params = <const Names extends string[]>(...names: Names) =>
  Type.Object(Object.fromEntries(names.map((name) => [name, textParams[name] ? Type.String({ minLength: 1, maxLength: textParams[name] }) : Ulid])) as { [K in Names[number]]: typeof Ulid })

/** Creation endpoints answer 200 with the new id as a bare JSON string (`"01H…"`), as the original. */
export async function sendId(reply: import('fastify').FastifyReply, id: Promise<string> | string) {
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(await id))
}
