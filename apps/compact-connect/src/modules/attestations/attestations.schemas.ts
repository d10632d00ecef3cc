import { Type, type Static } from 'typebox'

export const AttestationView = Type.Object({
  type: Type.Literal('attestation'),
  compact: Type.String(),
  attestationId: Type.String(),
  version: Type.String({ pattern: '^\\d+$' }),
  dateCreated: Type.String(),
  dateOfUpdate: Type.String(),
  text: Type.String(),
  required: Type.Boolean(),
  displayName: Type.String(),
  description: Type.String(),
  locale: Type.String(),
})
export type AttestationView = Static<typeof AttestationView>
