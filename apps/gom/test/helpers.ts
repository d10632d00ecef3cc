// Gom's app as production builds it (kernel buildTestApp → buildGomApp) on a fresh database with
// the QA seed (spec §11), and GraphQL calls through the real cookie session (test/session.ts).
import type { FastifyInstance } from 'fastify'
import { buildTestApp } from '@hearth/kernel/testing'
import gom from '../src/app.ts'
import { loginAsCustomer, loginAsSeller, type SignedIn } from './session.ts'

export const U1 = 'auth0|60a000000000000000000001'
export const U2 = 'auth0|60a000000000000000000002'
export const U1_UID = 'cgomqausr0000000000000001'
export const U2_UID = 'cgomqausr0000000000000002'
export const C = (n: number) => `cgomqacus000000000000000${n}`
export const O = (n: number) => `cgomqaord${String(n).padStart(16, '0')}`
export const P1 = 'cgomqaprm0000000000000001'
export const P2 = 'cgomqaprm0000000000000002'
export const PB1 = 'cgomqapub0000000000000001'

export interface Gom {
  app: FastifyInstance
  close(): Promise<void>
}

export async function startGom(env: Record<string, string> = {}): Promise<Gom> {
  const built = await buildTestApp(gom, { env: { APP_KEY: 'test-app-key-0123456789abcdef', ...env } })
  const seeded = await built.app.inject({ method: 'POST', url: '/qa/seedDatabase' })
  if (seeded.statusCode !== 204) throw new Error(`seed answered ${seeded.statusCode}: ${seeded.body}`)
  return { app: built.app, close: built.close }
}

export const asU1 = (app: FastifyInstance) => loginAsSeller(app, 'ana.lopez@gom.test')
export const asU2 = (app: FastifyInstance) => loginAsSeller(app, 'beto.ruiz@gom.test')
export const asC1 = (app: FastifyInstance) => loginAsCustomer(app, 'QaCarmen01', '5512345671')
export const asC4 = (app: FastifyInstance) => loginAsCustomer(app, 'QaFerHer04', '3345678904')

export interface GraphqlAnswer {
  status: number
  data: Record<string, unknown> | null
  errors?: { message: string; extensions: { code: string }; path?: unknown[]; locations?: unknown[] }[]
}

export async function gql(app: FastifyInstance, who: SignedIn | undefined, query: string, variables?: Record<string, unknown>): Promise<GraphqlAnswer> {
  const response = await app.inject({ method: 'POST', url: '/graphql', headers: who?.headers ?? {}, payload: { query, variables } })
  const body = response.json()
  return { status: response.statusCode, data: body.data ?? null, errors: body.errors }
}

/** The single error's code and message. */
export function errorOf(answer: GraphqlAnswer): { code: string; message: string } | undefined {
  const error = answer.errors?.[0]
  return error ? { code: error.extensions.code, message: error.message } : undefined
}
