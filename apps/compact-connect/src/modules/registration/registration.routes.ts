import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { errorResponses, Message } from '../configuration/configuration.schemas.ts'
import type { RegistrationService } from './registration.service.ts'
import { RegistrationBody } from './registration.schemas.ts'

/** The source address the per-address limit keys on: the TCP peer, or the first forwarded address when a proxy is trusted (§9.9). */
export function sourceAddressOf(request: FastifyRequest, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers['x-forwarded-for']
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim()
    if (first) return first
  }
  return request.socket.remoteAddress ?? request.ip
}

/** §2.1 `POST /v1/provider-users/registration` (§4.4). */
export function registrationRoutes(app: FastifyInstance, service: RegistrationService, options: { trustProxy: boolean }): void {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/v1/provider-users/registration',
    {
      config: { public: true },
      schema: {
        tags: ['public'],
        operationId: 'registerProvider',
        summary: 'Practitioner self-registration against an ingested license (always "request processed" unless refused)',
        security: [],
        body: RegistrationBody,
        response: { 200: Message, ...errorResponses(400, 403, 429, 500) },
      },
    },
    async (request) => service.register(request.body, sourceAddressOf(request, options.trustProxy)),
  )
}
