import { Type } from 'typebox'

/** `POST /v1/flags/{flagId}/check` (§2.1): `{context? {userId?, customAttributes?}}`. */
export const FlagCheckBody = Type.Object(
  {
    context: Type.Optional(
      Type.Object(
        {
          userId: Type.Optional(Type.String({ maxLength: 200 })),
          customAttributes: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.Union([Type.String({ maxLength: 500 }), Type.Number(), Type.Boolean()]), { maxProperties: 50 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
)

export const FlagCheckResponse = Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false })

export const FlagPath = Type.Object({ flagId: Type.String({ minLength: 1, maxLength: 100 }) })
