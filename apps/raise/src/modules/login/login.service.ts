import { errors, createJwtVerifier, TokenInvalidError, type Database, type JwtVerifier } from '@hearth/kernel'
import type { AuditContext } from '@hearth/kernel/audit'
import { auditWrite, nowSeconds } from '../../db/conditions.ts'
import type { TokenService } from '../../auth/tokens.ts'
import type { UserService } from '../users/user.service.ts'

/** The intended rule of the original: training must have been done within the last year. */
export const SECURITY_TRAINING_VALID_SECONDS = 31556952

export function createLoginService(deps: {
  database: Database
  tokens: TokenService
  userService: UserService
  google: { enabled: boolean; clientId: string | undefined; jwksUrl: string; issuers: string[] }
  impersonation: { enabled: boolean; production: boolean }
}) {
  const googleVerifier: JwtVerifier | undefined =
    deps.google.enabled && deps.google.clientId
      ? createJwtVerifier({ key: { kind: 'jwks', url: deps.google.jwksUrl }, algorithms: ['RS256'], issuer: deps.google.issuers, audience: deps.google.clientId })
      : undefined

  async function login(context: AuditContext, email: string) {
    const user = await deps.userService.firstByEmail(email)
    if (!user) throw errors.forbidden(`Your account, ${email}, is not allowlisted to use the platform`)
    if (user.securityTrainingCompletedAt + SECURITY_TRAINING_VALID_SECONDS < nowSeconds()) {
      throw errors.forbidden(`Security training for ${email} out of date, last marked completed on ${new Date(user.securityTrainingCompletedAt * 1000).toISOString()}`)
    }
    await auditWrite(deps.database.db, { ...context, subject: context.subject }, 'login', email, {})
    const [accessToken, refreshToken] = await Promise.all([deps.tokens.signAccessToken(email, user.groups), deps.tokens.signRefreshToken(email)])
    return { accessToken, refreshToken, groups: user.groups }
  }

  return {
    async google(context: AuditContext, idToken: string) {
      if (!googleVerifier) throw errors.unauthorized('Google login is not enabled')
      let payload: Record<string, unknown>
      try {
        payload = await googleVerifier(idToken)
      } catch (error) {
        if (error instanceof TokenInvalidError) throw errors.unauthorized('idToken: not valid')
        throw errors.unauthorized('idToken: not valid')
      }
      if (!payload || Object.keys(payload).length === 0) throw errors.unauthorized('idToken: missing payload')
      if (typeof payload.email !== 'string' || payload.email === '') throw errors.unauthorized('idToken: missing email')
      if (payload.email_verified !== true) throw errors.unauthorized('idToken: email not verified')
      return login(context, payload.email)
    },

    async impersonation(context: AuditContext, email: string) {
      if (!deps.impersonation.enabled) throw errors.unauthorized('Impersonation login is not enabled')
      if (deps.impersonation.production) throw errors.unauthorized('Impersonation login should not be enabled in prod')
      return login(context, email)
    },

    /** A new access token with groups re-read; the refresh token comes back unchanged. */
    async refresh(context: AuditContext, refreshToken: string) {
      const { subject, exp } = await deps.tokens.verifyRefreshToken(refreshToken)
      const result = await login(context, subject)
      return { ...result, refreshToken: { value: refreshToken, expiresAt: exp } }
    },
  }
}
export type LoginService = ReturnType<typeof createLoginService>
