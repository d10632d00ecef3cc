import { Type, type Static } from 'typebox'

export const RegistrationBody = Type.Object(
  {
    givenName: Type.String({ minLength: 1, maxLength: 100 }),
    familyName: Type.String({ minLength: 1, maxLength: 100 }),
    email: Type.String({ format: 'email', minLength: 3, maxLength: 100 }),
    partialSocial: Type.String({ pattern: '^[0-9]{4}$', maxLength: 4 }),
    dob: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', maxLength: 10 }),
    jurisdiction: Type.String({ pattern: '^[a-z]{2}$', maxLength: 2 }),
    licenseType: Type.String({ minLength: 1, maxLength: 100 }),
    compact: Type.String({ minLength: 1, maxLength: 20 }),
    token: Type.String({ minLength: 1, maxLength: 4096 }),
  },
  { additionalProperties: false },
)
export type RegistrationBody = Static<typeof RegistrationBody>
