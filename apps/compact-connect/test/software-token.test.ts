// A practitioner's own authenticator through Cognito's user API on the provider auth domain (cc-identity):
// `POST /auth/provider/` with `X-Amz-Target: AWSCognitoIdentityProviderService.<Op>` and Cognito's JSON wire format,
// called with the practitioner's access token from the hosted login, as the web app's Cognito client sends it.
// Then the hosted login asks that practitioner for a code, and refuses a wrong or reused one.
import { after, before, describe, mock, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'
import { totpCode } from '../src/auth/totp.ts'
import { seedQa } from '../seeds/qa.ts'
import { providerSub, QA_PASSWORD, staffSub } from '../seeds/qa-staff.ts'
import { staffToken } from './tokens.ts'

let testApp: TestApp<CompactConnectConfig>
const REDIRECT = 'http://localhost:3018/auth/callback'
const ORIGIN = 'http://localhost:3018'

function loginFields() {
  const verifier = randomBytes(32).toString('base64url')
  return {
    verifier,
    fields: {
      client_id: testApp.config.auth.pools.provider.clientId,
      redirect_uri: REDIRECT,
      state: 'st-9',
      scope: 'openid email profile',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    },
  }
}

async function page(path: string, form: Record<string, string>) {
  const response = await testApp.app.inject({
    method: 'POST',
    url: `/auth/provider${path}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(form).toString(),
  })
  const html = response.body
  return {
    status: response.statusCode,
    location: response.headers.location as string | undefined,
    session: /name="session" value="([^"]*)"/.exec(html)?.[1],
    error: /id="error">([^<]*)</.exec(html)?.[1],
    asksForCode: html.includes('id="code"'),
  }
}

/** A full hosted-login sign-in of a practitioner without MFA: the token set. */
async function signIn(username: string): Promise<{ access_token: string; id_token: string }> {
  const { fields, verifier } = loginFields()
  const done = await page('/login', { ...fields, username, password: QA_PASSWORD })
  assert.equal(done.status, 302, done.error)
  return redeem(done.location!, verifier)
}

async function redeem(location: string, verifier: string) {
  const code = new URL(location).searchParams.get('code')!
  const response = await testApp.app.inject({
    method: 'POST',
    url: '/auth/provider/oauth2/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ grant_type: 'authorization_code', client_id: testApp.config.auth.pools.provider.clientId, code, redirect_uri: REDIRECT, code_verifier: verifier }).toString(),
  })
  assert.equal(response.statusCode, 200, response.body)
  return response.json() as { access_token: string; id_token: string }
}

/** One call of Cognito's JSON API, as a Cognito client configured with this endpoint sends it. */
async function cognito(operation: string, body: unknown, url = '/auth/provider/') {
  const response = await testApp.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`, origin: ORIGIN },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  })
  return { status: response.statusCode, headers: response.headers, body: response.body === '' ? undefined : (JSON.parse(response.body) as Record<string, unknown>) }
}

const refusal = (type: string, message: string) => ({ status: 400, body: { __type: type, message } })
const shape = (response: { status: number; body?: Record<string, unknown> }) => ({ status: response.status, body: response.body })

describe('practitioner TOTP enrolment through Cognito’s user API (AssociateSoftwareToken, VerifySoftwareToken, SetUserMFAPreference)', () => {
  before(async () => {
    testApp = await buildTestApp(compactConnect, {})
    await seedQa(testApp.app.compactConnect)
  })
  after(async () => {
    await testApp?.close()
  })

  test('associate → verify with a code of the secret → set preference; the hosted login then asks for a code and refuses a wrong or reused one', async () => {
    const { access_token: accessToken } = await signIn('theo.marsh@example.org')

    const associated = await cognito('AssociateSoftwareToken', { AccessToken: accessToken })
    assert.equal(associated.status, 200)
    assert.equal(associated.headers['content-type'], 'application/x-amz-json-1.1')
    assert.equal(associated.headers['access-control-allow-origin'], ORIGIN)
    const secret = associated.body!.SecretCode as string
    assert.match(secret, /^[A-Z2-7]{32}$/)
    assert.deepEqual(Object.keys(associated.body!), ['SecretCode'])

    // Not yet verified: the practitioner still signs in without a code, and cannot turn MFA on.
    assert.equal((await page('/login', { ...loginFields().fields, username: 'theo.marsh@example.org', password: QA_PASSWORD })).status, 302)
    assert.deepEqual(
      shape(await cognito('SetUserMFAPreference', { AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } })),
      refusal('InvalidParameterException', 'User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA'),
    )

    const wrongCode = totpCode(secret) === '000000' ? '111111' : '000000'
    assert.deepEqual(shape(await cognito('VerifySoftwareToken', { AccessToken: accessToken, UserCode: wrongCode })), refusal('EnableSoftwareTokenMFAException', 'Code mismatch'))
    assert.equal((await cognito('VerifySoftwareToken', { AccessToken: accessToken, UserCode: '12a456' })).body!.__type, 'InvalidParameterException')
    const enrolmentCode = totpCode(secret)
    const verified = await cognito('VerifySoftwareToken', { AccessToken: accessToken, UserCode: enrolmentCode, FriendlyDeviceName: 'phone' })
    assert.deepEqual(shape(verified), { status: 200, body: { Status: 'SUCCESS' } })
    assert.deepEqual(shape(await cognito('SetUserMFAPreference', { AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } })), { status: 200, body: {} })
    const user = await cognito('GetUser', { AccessToken: accessToken })
    assert.equal(user.body!.Username, 'theo.marsh@example.org')
    assert.deepEqual([user.body!.PreferredMfaSetting, user.body!.UserMFASettingList], ['SOFTWARE_TOKEN_MFA', ['SOFTWARE_TOKEN_MFA']])
    // A confirmed authenticator is not replaced through this API.
    assert.equal((await cognito('AssociateSoftwareToken', { AccessToken: accessToken })).body!.__type, 'InvalidParameterException')

    // The hosted login now owes a code after the password.
    const { fields, verifier } = loginFields()
    const challenged = await page('/login', { ...fields, username: 'theo.marsh@example.org', password: QA_PASSWORD })
    assert.equal(challenged.status, 200)
    assert.ok(challenged.asksForCode && challenged.session)
    assert.equal((await page('/login/challenge', { ...fields, session: challenged.session!, code: wrongCode })).error, 'Invalid code. Please try again.')
    // The enrolment code's step is spent: reusing it is refused.
    assert.equal((await page('/login/challenge', { ...fields, session: challenged.session!, code: enrolmentCode })).error, 'Invalid code. Please try again.')
    const done = await page('/login/challenge', { ...fields, session: challenged.session!, code: totpCode(secret, Date.now() + 30_000) })
    assert.equal(done.status, 302)
    const tokens = await redeem(done.location!, verifier)
    assert.ok(tokens.id_token)
  })

  test('turning the authenticator off removes it; the hosted login no longer asks for a code', async () => {
    const { access_token: accessToken } = await signIn('harriet.quimby@example.org')
    const secret = (await cognito('AssociateSoftwareToken', { AccessToken: accessToken })).body!.SecretCode as string
    assert.equal((await cognito('VerifySoftwareToken', { AccessToken: accessToken, UserCode: totpCode(secret) })).status, 200)
    assert.ok((await page('/login', { ...loginFields().fields, username: 'harriet.quimby@example.org', password: QA_PASSWORD })).asksForCode)
    assert.deepEqual(shape(await cognito('SetUserMFAPreference', { AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: false, PreferredMfa: false } })), { status: 200, body: {} })
    assert.equal((await page('/login', { ...loginFields().fields, username: 'harriet.quimby@example.org', password: QA_PASSWORD })).status, 302)
    assert.deepEqual(
      shape(await cognito('SetUserMFAPreference', { AccessToken: accessToken, SMSMfaSettings: { Enabled: true } })),
      refusal('InvalidParameterException', 'User does not have delivery config set to turn on SMS_MFA'),
    )
  })

  test('the wrong caller is refused: no token, a staff token, a practitioner ID token, an expired or forged access token, a session', async () => {
    const staff = await staffToken(testApp.app, { sub: staffSub(1), scopes: ['aslp/admin'] })
    const { id_token: idToken, access_token: accessToken } = await signIn('rosa.delgado@example.org')
    const invalid = refusal('NotAuthorizedException', 'Invalid Access Token')
    for (const operation of ['AssociateSoftwareToken', 'VerifySoftwareToken', 'SetUserMFAPreference', 'GetUser']) {
      assert.deepEqual(shape(await cognito(operation, { UserCode: '123456' })), invalid, operation)
      assert.deepEqual(shape(await cognito(operation, { AccessToken: staff, UserCode: '123456' })), invalid, operation)
      assert.deepEqual(shape(await cognito(operation, { AccessToken: idToken, UserCode: '123456' })), invalid, operation)
      assert.deepEqual(shape(await cognito(operation, { AccessToken: `${accessToken.slice(0, -4)}AAAA`, UserCode: '123456' })), invalid, operation)
    }
    mock.timers.enable({ apis: ['Date'], now: Date.now() - 3_600_000 })
    let expired: string
    try {
      expired = await testApp.app.ccTokens.mintProviderAccessToken({ sub: providerSub(3), username: 'rosa.delgado@example.org' })
    } finally {
      mock.timers.reset()
    }
    assert.deepEqual(shape(await cognito('AssociateSoftwareToken', { AccessToken: expired })), refusal('NotAuthorizedException', 'Access Token has expired'))
    assert.deepEqual(shape(await cognito('AssociateSoftwareToken', { Session: 'a-login-session' })), refusal('NotAuthorizedException', 'Invalid session for the user.'))
    const refused = await cognito('AssociateSoftwareToken', {})
    assert.equal(refused.headers['x-amzn-errortype'], 'NotAuthorizedException:')
    assert.equal(refused.headers['access-control-allow-origin'], ORIGIN, 'refusals carry CORS too')
    // Nothing was enrolled for anyone by those calls.
    assert.equal(await testApp.app.compactConnect.repositories.identities.mfa(testApp.database.db, providerSub(3)), undefined)
  })

  test('a disabled practitioner is refused; malformed requests answer in Cognito’s error shape', async () => {
    const { access_token: accessToken } = await signIn('samuel.okoro@example.org')
    assert.deepEqual(shape(await cognito('DeleteUser', { AccessToken: accessToken })), refusal('UnknownOperationException', 'The operation is not supported here.'))
    assert.deepEqual(shape(await cognito('AssociateSoftwareToken', '{not json')), refusal('SerializationException', 'The request body is not valid JSON.'))
    assert.deepEqual(shape(await cognito('AssociateSoftwareToken', { AccessToken: 42 })), refusal('InvalidParameterException', 'AccessToken must be a string'))
    assert.deepEqual(
      shape(await cognito('SetUserMFAPreference', { AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: 'true' } })),
      refusal('InvalidParameterException', 'SoftwareTokenMfaSettings.Enabled must be a boolean'),
    )
    // The endpoint also answers without the trailing slash (a Cognito client's endpoint set to the auth domain).
    assert.equal((await cognito('GetUser', { AccessToken: accessToken }, '/auth/provider')).status, 200)
    await testApp.database.query(`UPDATE identities SET enabled = false WHERE sub = $1`, [providerSub(4)])
    assert.deepEqual(shape(await cognito('AssociateSoftwareToken', { AccessToken: accessToken })), refusal('NotAuthorizedException', 'User is disabled.'))
  })

  test('a preflight from the web app allows the Cognito client’s headers', async () => {
    const response = await testApp.app.inject({
      method: 'OPTIONS',
      url: '/auth/provider/',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-amz-target,x-amz-user-agent' },
    })
    assert.ok(response.statusCode === 204 || response.statusCode === 200)
    assert.equal(response.headers['access-control-allow-origin'], ORIGIN)
    assert.match(String(response.headers['access-control-allow-methods']), /POST/)
    assert.match(String(response.headers['access-control-allow-headers']), /x-amz-target/)
  })
})
