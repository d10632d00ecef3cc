import { Type } from 'typebox'

export const CompactJurisdictionPath = Type.Object({ compact: Type.String({ minLength: 1, maxLength: 20 }), jurisdiction: Type.String({ minLength: 1, maxLength: 20 }) })

/**
 * The license upload body is checked by the service (§4.1: "must be an array" and per-index field errors in the
 * original's words), so the schema only bounds it: at most 100 objects of at most 30 string fields.
 */
export const LicenseUploadBody = Type.Unknown({ description: 'A JSON array of at most 100 license objects (§4.1 fields)' })

export const MessageResponse = Type.Object({ message: Type.String() })

export const BulkUploadResponse = Type.Object({
  upload: Type.Object({ url: Type.String(), fields: Type.Record(Type.String(), Type.String()) }),
})

export const UploadProgressResponse = Type.Object({
  uploadId: Type.String(),
  status: Type.String({ description: 'received | processing | processed | failed' }),
  rowsRead: Type.Integer(),
  rowsValid: Type.Integer(),
  rowsInvalid: Type.Integer(),
  failure: Type.Union([Type.String(), Type.Null()]),
  errors: Type.Array(Type.Object({ recordNumber: Type.Integer(), errors: Type.Record(Type.String(), Type.Array(Type.String())) })),
})
