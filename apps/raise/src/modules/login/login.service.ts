import { errors, createJwtVerifier, TokenInvalidError, type Database, type JwtVerifier } from '@hearth/kernel'
import type { AuditContext } from '@hearth/kernel/audit'
import { auditWrite, nowSeconds } from '../../db/transaction.ts'
import type { TokenService } from '../../auth/tokens.ts'
import type { LoginResponseT } from '../../http/schemas.ts'
import type { UserRepository } from '../users/user.repository.ts'

/** The intended rule of the original: training must have been done within the last year. */
export const SECURITY_TRAINING_VALID_SECONDS = 31556952

export interface LoginSettings {
  google: { enabled: boolean; clientId: string | undefined; jwksUrl: string; issuers: string[] }
  impersonation: { enabled: boolean; production: boolean }
}

export class LoginService {
  private readonly googleVerifier: JwtVerifier | undefined

  constructor(
    private readonly database: Database,
    private readonly tokens: TokenService,
    private readonly users: UserRepository,
    private readonly settings: LoginSettings,
  ) {
    const { google } = settings
    this.googleVerifier =
      google.enabled && google.clientId ? createJwtVerifier({ key: { kind: 'jwks', url: google.jwksUrl }, algorithms: ['RS256'], issuer: google.issuers, audience: google.clientId }) : undefined
  }

  async google(context: AuditContext, idToken: string): Promise<LoginResponseT> {
    if (!this.googleVerifier) throw errors.unauthorized('Google login is not enabled')
    let payload: Record<string, unknown>
    try {
      payload = await this.googleVerifier(idToken)
    } catch (error) {
      if (error instanceof TokenInvalidError) throw errors.unauthorized('idToken: not valid')
      throw errors.unauthorized('idToken: not valid')
    }
    if (!payload || Object.keys(payload).length === 0) throw errors.unauthorized('idToken: missing payload')
    if (typeof payload.email !== 'string' || payload.email === '') throw errors.unauthorized('idToken: missing email')
    if (payload.email_verified !== true) throw errors.unauthorized('idToken: email not verified')
    return this.login(context, payload.email)
  }

  async impersonation(context: AuditContext, email: string): Promise<LoginResponseT> {
    if (!this.settings.impersonation.enabled) throw errors.unauthorized('Impersonation login is not enabled')
    if (this.settings.impersonation.production) throw errors.unauthorized('Impersonation login should not be enabled in prod')
    return this.login(context, email)
  }

  /** A new access token with groups re-read; the refresh token comes back unchanged. */
  async refresh(context: AuditContext, refreshToken: string): Promise<LoginResponseT> {
    const { subject, exp } = await this.tokens.verifyRefreshToken(refreshToken)
    const result = await this.login(context, subject)
    return { ...result, refreshToken: { value: refreshToken, expiresAt: exp } }
  }

  /** Allowlisted, with security training done within the year: audited, then tokens. */
  private async login(context: AuditContext, email: string): Promise<LoginResponseT> {
    const user = await this.users.firstByEmail(this.database.db, email)
    if (!user) throw errors.forbidden(`Your account, ${email}, is not allowlisted to use the platform`)
    if (user.securityTrainingCompletedAt + SECURITY_TRAINING_VALID_SECONDS < nowSeconds()) {
      throw errors.forbidden(`Security training for ${email} out of date, last marked completed on ${new Date(user.securityTrainingCompletedAt * 1000).toISOString()}`)
    }
    await auditWrite(this.database.db, context, 'login', email, {})
    const [accessToken, refreshToken] = await Promise.all([this.tokens.signAccessToken(email, user.groups), this.tokens.signRefreshToken(email)])
    return { accessToken, refreshToken, groups: user.groups }
  }
}
