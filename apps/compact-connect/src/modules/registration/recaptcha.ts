import { CompactConnectError } from '../../errors.ts'

/** The token the QA mode's built-in fake accepts (§9.9). */
export const QA_RECAPTCHA_PASS = 'qa-recaptcha-pass'

export interface RecaptchaSettings {
  enabled: boolean
  /** Google's `siteverify` (or a local fake); undefined in QA mode = the built-in fake. */
  verifyUrl: string | undefined
  secret: string
}

/**
 * reCAPTCHA verification against a configurable `siteverify` endpoint (form POST `secret`, `response`,
 * `remoteip` → `{success}`). Off in development; in QA mode without a URL the built-in fake passes only
 * `qa-recaptcha-pass`. An unreachable endpoint is a 503, not a pass.
 */
export class RecaptchaVerifier {
  constructor(
    private readonly settings: RecaptchaSettings,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async verify(token: string, remoteIp: string): Promise<boolean> {
    if (!this.settings.enabled) return true
    if (this.settings.verifyUrl === undefined) return token === QA_RECAPTCHA_PASS
    let response: Response
    try {
      response = await this.fetchImpl(this.settings.verifyUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ secret: this.settings.secret, response: token, remoteip: remoteIp }).toString(),
        signal: AbortSignal.timeout(5000),
      })
    } catch {
      throw new CompactConnectError(503, 'Service temporarily unavailable; try again shortly.')
    }
    if (!response.ok) return false
    const body = (await response.json().catch(() => ({}))) as { success?: unknown }
    return body.success === true
  }
}
