import { Type, type Static } from 'typebox'

/**
 * §2.1 `POST /v1/provider-users/initiateRecovery`. A body that fails this schema is answered like every other
 * failure (a silent `request processed`, §4.5): the route attaches the validation error instead of refusing.
 */
export const InitiateRecoveryBody = Type.Object(
  {
    username: Type.String({ format: 'email', minLength: 3, maxLength: 100 }),
    password: Type.String({ minLength: 12, maxLength: 256 }),
    compact: Type.String({ minLength: 1, maxLength: 20 }),
    jurisdiction: Type.String({ pattern: '^[a-z]{2}$', maxLength: 2 }),
    givenName: Type.String({ minLength: 1, maxLength: 100 }),
    familyName: Type.String({ minLength: 1, maxLength: 100 }),
    dob: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', maxLength: 10 }),
    partialSocial: Type.String({ pattern: '^[0-9]{4}$', maxLength: 4 }),
    licenseType: Type.String({ minLength: 1, maxLength: 100 }),
    recaptchaToken: Type.String({ minLength: 1, maxLength: 4096 }),
  },
  { additionalProperties: false },
)
export type InitiateRecoveryBody = Static<typeof InitiateRecoveryBody>

export const VerifyRecoveryBody = Type.Object(
  {
    compact: Type.String({ minLength: 1, maxLength: 20 }),
    providerId: Type.String({ format: 'uuid', maxLength: 36 }),
    recoveryToken: Type.String({ minLength: 1, maxLength: 256 }),
    recaptchaToken: Type.String({ minLength: 1, maxLength: 4096 }),
  },
  { additionalProperties: false },
)
export type VerifyRecoveryBody = Static<typeof VerifyRecoveryBody>

export const EmailChangeBody = Type.Object({ newEmailAddress: Type.String({ format: 'email', minLength: 3, maxLength: 100 }) }, { additionalProperties: false })
export type EmailChangeBody = Static<typeof EmailChangeBody>

export const EmailVerifyBody = Type.Object({ verificationCode: Type.String({ pattern: '^[0-9]{4}$', maxLength: 4 }) }, { additionalProperties: false })
export type EmailVerifyBody = Static<typeof EmailVerifyBody>
