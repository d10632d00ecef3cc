import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { providerCallerOf } from '../../auth/index.ts'
import { requires } from '../../permissions.ts'
import { errorResponses, Message } from '../configuration/configuration.schemas.ts'
import { sourceAddressOf } from '../registration/registration.routes.ts'
import type { AccountService } from './account.service.ts'
import { EmailChangeBody, EmailVerifyBody, InitiateRecoveryBody, VerifyRecoveryBody } from './account.schemas.ts'

const security = [{ bearer: [] }]

/** §2.1 account recovery (public) and §2.2 e-mail change (practitioner ID token); rules in §4.5. */
export function accountRoutes(app: FastifyInstance, service: AccountService, options: { trustProxy: boolean }): void {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()

  routes.post(
    '/v1/provider-users/initiateRecovery',
    {
      config: { public: true },
      // A body that fails validation is answered like every other failure (silently, §4.5), not with a 400.
      attachValidation: true,
      schema: {
        tags: ['public'],
        operationId: 'initiateProviderAccountRecovery',
        summary: 'Start MFA recovery: e-mails a recovery link when the details, registered e-mail and password match (always "request processed")',
        security: [],
        body: InitiateRecoveryBody,
        response: { 200: Message, ...errorResponses(500) },
      },
    },
    async (request) => service.initiateRecovery(request.validationError ? undefined : request.body, sourceAddressOf(request, options.trustProxy)),
  )

  routes.post(
    '/v1/provider-users/verifyRecovery',
    {
      config: { public: true },
      schema: {
        tags: ['public'],
        operationId: 'verifyProviderAccountRecovery',
        summary: "Complete MFA recovery with the link's token: the login is re-created without MFA and a new invitation e-mailed",
        security: [],
        body: VerifyRecoveryBody,
        response: { 200: Message, ...errorResponses(400, 403, 429, 500) },
      },
    },
    async (request) => service.verifyRecovery(request.body, sourceAddressOf(request, options.trustProxy)),
  )

  routes.patch(
    '/v1/provider-users/me/email',
    {
      config: { permission: requires.provider },
      schema: {
        tags: ['provider-users'],
        operationId: 'patchProviderUserMeEmail',
        summary: 'Start changing the registered e-mail address: a 4-digit code goes to the new address',
        security,
        body: EmailChangeBody,
        response: { 200: Message, ...errorResponses(400, 401, 403, 500) },
      },
    },
    async (request) => service.requestEmailChange(providerCallerOf(request), request.body),
  )

  routes.post(
    '/v1/provider-users/me/email/verify',
    {
      config: { permission: requires.provider },
      schema: {
        tags: ['provider-users'],
        operationId: 'verifyProviderUserMeEmail',
        summary: 'Finish the e-mail change with the code; the old address is told',
        security,
        body: EmailVerifyBody,
        response: { 200: Message, ...errorResponses(400, 401, 403, 429, 500) },
      },
    },
    async (request) => service.verifyEmailChange(providerCallerOf(request), request.body),
  )
}
