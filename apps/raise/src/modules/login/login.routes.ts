import type { FastifyInstance } from 'fastify'
import { typed, errorResponses, security } from '../../http/route-kit.ts'
import { GoogleLoginRequest, ImpersonationLoginRequest, LoginResponse, Profile, RefreshRequest } from '../../http/schemas.ts'
import { toProfileView } from '../../mappers.ts'
import type { Services } from '../../container.ts'
import { requires } from '../../permissions.ts'
import { auditContextOf, callerOf } from '../../auth/access.ts'

export function loginRoutes(app: FastifyInstance, { login: loginService }: Services) {
  const r = typed(app)
  const errors = errorResponses(400, 401, 403, 415, 422, 500)
  r.post(
    '/admin/login/google',
    {
      config: { public: true },
      schema: { operationId: 'loginGoogle', summary: 'Trade a Google ID token for Raise tokens', tags: ['login'], body: GoogleLoginRequest, response: { 200: LoginResponse, ...errors } },
    },
    (request) => loginService.google(auditContextOf(request), request.body.idToken),
  )
  r.post(
    '/admin/login/impersonation',
    {
      config: { public: true },
      schema: {
        operationId: 'loginImpersonation',
        summary: 'Log in as any allowlisted email (development and QA only)',
        tags: ['login'],
        body: ImpersonationLoginRequest,
        response: { 200: LoginResponse, ...errors },
      },
    },
    (request) => loginService.impersonation(auditContextOf(request), request.body.email),
  )
  r.post(
    '/admin/login/refresh',
    {
      config: { public: true },
      schema: { operationId: 'loginRefresh', summary: 'A new access token for a refresh token', tags: ['login'], body: RefreshRequest, response: { 200: LoginResponse, ...errors } },
    },
    (request) => loginService.refresh(auditContextOf(request), request.body.refreshToken),
  )
  r.get(
    '/admin/login',
    {
      schema: { operationId: 'profile', summary: 'Who the access token belongs to', tags: ['login'], security, response: { 200: Profile, ...errors } },
      config: { permission: requires.profile },
    },
    (request) => toProfileView(callerOf(request), request.ip),
  )
}
