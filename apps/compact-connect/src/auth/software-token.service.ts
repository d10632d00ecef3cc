import type { Database } from '@hearth/kernel'
import type { RateLimits } from '../modules/providers/rate-limits.ts'
import type { IdentityRepository, IdentityRow } from './identity.repository.ts'
import type { IdentityTokens } from './tokens.ts'
import { newTotpSecret, totpStep } from './totp.ts'

/** A refusal in Cognito's words: the `__type` and `message` of its JSON error body (HTTP 400). */
export class CognitoApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message)
  }
}

export const invalidParameter = (message: string) => new CognitoApiError('InvalidParameterException', message)
const notAuthorized = (message: string) => new CognitoApiError('NotAuthorizedException', message)

/** Codes one practitioner may try within the `totp-verify` window (15 minutes) before `LimitExceededException`. */
export const MAX_VERIFICATIONS = 5

export interface SetMfaPreferenceInput {
  softwareToken?: { enabled?: boolean; preferred?: boolean }
  /** SMS or e-mail MFA asked to be turned on (never possible here: no delivery configured). */
  otherEnabled?: 'SMS_MFA' | 'EMAIL_OTP'
}

/**
 * A practitioner's own authenticator, through the operations of Cognito's user API the web app calls with the
 * practitioner's access token: `AssociateSoftwareToken` (a new secret, pending), `VerifySoftwareToken` (a code
 * of that secret confirms it: from then on the hosted login asks this practitioner for a code, and the code's
 * 30-second step is spent), `SetUserMFAPreference` (turning the authenticator off removes it) and `GetUser`.
 * The secret is kept as the staff enrolment keeps it (`identity_mfa`).
 */
export class SoftwareTokenService {
  constructor(
    private readonly database: Database,
    private readonly identities: IdentityRepository,
    private readonly tokens: IdentityTokens,
    private readonly limits: RateLimits,
  ) {}

  /** The practitioner an access token belongs to; refusals as Cognito words them. */
  private async practitioner(accessToken: string | undefined): Promise<IdentityRow> {
    if (!accessToken) throw notAuthorized('Invalid Access Token')
    const access = await this.tokens.providerAccess(accessToken)
    if (access === 'expired') throw notAuthorized('Access Token has expired')
    if (access === 'invalid') throw notAuthorized('Invalid Access Token')
    const identity = await this.identities.bySub(this.database.db, 'provider', access.sub)
    if (!identity) throw new CognitoApiError('UserNotFoundException', 'User does not exist.')
    if (!identity.enabled) throw notAuthorized('User is disabled.')
    return identity
  }

  async associate(accessToken: string | undefined): Promise<{ SecretCode: string }> {
    const identity = await this.practitioner(accessToken)
    const current = await this.identities.mfa(this.database.db, identity.sub)
    // Cognito would keep the old authenticator until a new one is verified; here a confirmed one is replaced
    // only through account recovery (§4.5), which re-creates the login without it.
    if (current?.confirmedAt) throw invalidParameter('Software token MFA is already enabled for this user.')
    const secret = newTotpSecret()
    await this.identities.startMfaEnrolment(this.database.db, identity.sub, secret)
    return { SecretCode: secret }
  }

  async verify(accessToken: string | undefined, userCode: string): Promise<{ Status: 'SUCCESS' }> {
    const identity = await this.practitioner(accessToken)
    if (!/^[0-9]{6}$/.test(userCode)) throw invalidParameter("1 validation error detected: Value at 'userCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9]{6}")
    const mfa = await this.identities.mfa(this.database.db, identity.sub)
    if (!mfa) throw new CognitoApiError('SoftwareTokenMFANotFoundException', 'Software Token MFA has not been associated with this user.')
    if ((await this.limits.hit('totp-verify', identity.sub)) > MAX_VERIFICATIONS) throw new CognitoApiError('LimitExceededException', 'Attempt limit exceeded, please try after some time.')
    const step = totpStep(mfa.secret, userCode)
    if (step === undefined || !(await this.identities.acceptMfaStep(this.database.db, identity.sub, step))) {
      throw new CognitoApiError('EnableSoftwareTokenMFAException', 'Code mismatch')
    }
    return { Status: 'SUCCESS' }
  }

  async setPreference(accessToken: string | undefined, input: SetMfaPreferenceInput): Promise<Record<string, never>> {
    const identity = await this.practitioner(accessToken)
    if (input.otherEnabled) throw invalidParameter(`User does not have delivery config set to turn on ${input.otherEnabled}`)
    const wanted = input.softwareToken
    if (wanted?.enabled === undefined && wanted?.preferred === undefined) return {}
    const mfa = await this.identities.mfa(this.database.db, identity.sub)
    if (wanted.enabled === false) {
      if (wanted.preferred) throw invalidParameter('A disabled MFA method cannot be preferred.')
      await this.identities.deleteMfa(this.database.db, identity.sub)
      return {}
    }
    if (!mfa?.confirmedAt) throw invalidParameter('User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA')
    return {}
  }

  async getUser(accessToken: string | undefined): Promise<{
    Username: string
    UserAttributes: { Name: string; Value: string }[]
    PreferredMfaSetting?: string
    UserMFASettingList?: string[]
  }> {
    const identity = await this.practitioner(accessToken)
    const mfa = await this.identities.mfa(this.database.db, identity.sub)
    const attributes = { sub: identity.sub, email: identity.email, email_verified: 'true', ...identity.attributes }
    return {
      Username: identity.username,
      UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value: String(Value) })),
      ...(mfa?.confirmedAt ? { PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA', UserMFASettingList: ['SOFTWARE_TOKEN_MFA'] } : {}),
    }
  }
}
