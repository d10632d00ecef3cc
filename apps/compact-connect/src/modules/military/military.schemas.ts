import { Type, type Static } from 'typebox'

/** Wire shapes of §2.2 military affiliation routes and §2.6 military audit. */

export const MilitaryAffiliationBody = Type.Object(
  {
    affiliationType: Type.Union([Type.Literal('militaryMember'), Type.Literal('militaryMemberSpouse')]),
    fileNames: Type.Array(Type.String({ minLength: 1, maxLength: 150 }), { minItems: 1, maxItems: 10 }),
  },
  { additionalProperties: false },
)
export type MilitaryAffiliationBody = Static<typeof MilitaryAffiliationBody>

/** The signed form of one document upload (the presigned S3 POST's shape): POST `fields` then the file as `file`. */
export const UploadForm = Type.Object({ url: Type.String(), fields: Type.Record(Type.String(), Type.String()) })

export const MilitaryAffiliationCreated = Type.Object({
  affiliationType: Type.String(),
  fileNames: Type.Array(Type.String()),
  dateOfUpload: Type.String(),
  dateOfUpdate: Type.String(),
  status: Type.String(),
  documentUploadFields: Type.Array(UploadForm),
})
export type MilitaryAffiliationCreated = Static<typeof MilitaryAffiliationCreated>

/** Only `inactive` is accepted; any other value is a 400 with the original's message (so not an enum here). */
export const MilitaryAffiliationPatchBody = Type.Object({ status: Type.String({ maxLength: 50 }) }, { additionalProperties: false })

export const MilitaryAuditBody = Type.Object(
  {
    militaryStatus: Type.Union([Type.Literal('approved'), Type.Literal('declined')]),
    militaryStatusNote: Type.Optional(Type.String({ minLength: 2, maxLength: 1000 })),
  },
  { additionalProperties: false },
)
export type MilitaryAuditBody = Static<typeof MilitaryAuditBody>
