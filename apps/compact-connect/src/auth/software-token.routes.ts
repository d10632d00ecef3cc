import type { FastifyInstance, FastifyReply } from 'fastify'
import { AUTH_DOMAINS } from './hosted-login.routes.ts'
import { CognitoApiError, invalidParameter, type SetMfaPreferenceInput, type SoftwareTokenService } from './software-token.service.ts'

const AMZ_JSON = 'application/x-amz-json-1.1'
const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.'
const BODY_LIMIT = 16 * 1024

type Body = Record<string, unknown>

/** An optional string member, refused (not coerced) when it has another type. */
function text(body: Body, name: string): string | undefined {
  const value = body[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw invalidParameter(`${name} must be a string`)
  return value
}

function settings(body: Body, name: string): { enabled?: boolean; preferred?: boolean } | undefined {
  const value = body[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParameter(`${name} must be an object`)
  const flag = (member: string) => {
    const flagValue = (value as Body)[member]
    if (flagValue === undefined || flagValue === null) return undefined
    if (typeof flagValue !== 'boolean') throw invalidParameter(`${name}.${member} must be a boolean`)
    return flagValue
  }
  return { enabled: flag('Enabled'), preferred: flag('PreferredMfa') }
}

/** Challenge-time enrolment (`Session`) is the hosted login's own page here; this API takes access tokens only. */
function accessTokenOf(body: Body): string | undefined {
  const accessToken = text(body, 'AccessToken')
  if (accessToken === undefined && text(body, 'Session') !== undefined) throw new CognitoApiError('NotAuthorizedException', 'Invalid session for the user.')
  return accessToken
}

/**
 * Cognito's user API for a practitioner's own authenticator, in its JSON wire format, on the provider auth domain:
 *   POST /auth/provider/   `Content-Type: application/x-amz-json-1.1`, `X-Amz-Target: AWSCognitoIdentityProviderService.<Op>`
 * with `AssociateSoftwareToken`, `VerifySoftwareToken`, `SetUserMFAPreference` and `GetUser` (what a Cognito client
 * configured with this endpoint sends). Refusals are HTTP 400 `{"__type": "...", "message": "..."}` with
 * `x-amzn-ErrorType`, as Cognito answers. The access token travels in the body, so the route is public to the
 * gateway and the service checks the token itself (provider pool, `token_use: access`, the web app's client id).
 */
export async function softwareTokenRoutes(app: FastifyInstance, options: { service: SoftwareTokenService }): Promise<void> {
  const { service } = options
  await app.register(async (scope) => {
    scope.addContentTypeParser(AMZ_JSON, { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, body, done) => done(null, body))

    // Bytes, so the content type stays Cognito's exactly (a string body would gain `; charset=utf-8`).
    const fail = (reply: FastifyReply, type: string, message: string) =>
      reply
        .code(400)
        .header('content-type', AMZ_JSON)
        .header('x-amzn-errortype', `${type}:`)
        .send(Buffer.from(JSON.stringify({ __type: type, message })))

    const operations: Record<string, (body: Body) => Promise<unknown>> = {
      AssociateSoftwareToken: (body) => service.associate(accessTokenOf(body)),
      VerifySoftwareToken: (body) => {
        const userCode = text(body, 'UserCode')
        if (userCode === undefined) throw invalidParameter('UserCode is required')
        text(body, 'FriendlyDeviceName')
        return service.verify(accessTokenOf(body), userCode)
      },
      SetUserMFAPreference: (body) => {
        const input: SetMfaPreferenceInput = { softwareToken: settings(body, 'SoftwareTokenMfaSettings') }
        if (settings(body, 'SMSMfaSettings')?.enabled) input.otherEnabled = 'SMS_MFA'
        else if (settings(body, 'EmailMfaSettings')?.enabled) input.otherEnabled = 'EMAIL_OTP'
        return service.setPreference(text(body, 'AccessToken'), input)
      },
      GetUser: (body) => service.getUser(text(body, 'AccessToken')),
    }

    const handler = async (request: { headers: Record<string, string | string[] | undefined>; body: unknown }, reply: FastifyReply) => {
      const target = request.headers['x-amz-target']
      const operation = typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? operations[target.slice(TARGET_PREFIX.length)] : undefined
      if (!operation) return fail(reply, 'UnknownOperationException', 'The operation is not supported here.')
      let body: unknown
      try {
        body = typeof request.body === 'string' ? (request.body === '' ? {} : JSON.parse(request.body)) : (request.body ?? {})
      } catch {
        return fail(reply, 'SerializationException', 'The request body is not valid JSON.')
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail(reply, 'SerializationException', 'The request body must be a JSON object.')
      try {
        const result = await operation(body as Body)
        return reply
          .code(200)
          .header('content-type', AMZ_JSON)
          .send(Buffer.from(JSON.stringify(result)))
      } catch (error) {
        if (error instanceof CognitoApiError) return fail(reply, error.type, error.message)
        throw error
      }
    }

    const domain = AUTH_DOMAINS.provider
    for (const url of [domain, `${domain}/`]) {
      scope.post(url, { config: { public: true }, schema: { hide: true } }, handler)
    }
  })
}
