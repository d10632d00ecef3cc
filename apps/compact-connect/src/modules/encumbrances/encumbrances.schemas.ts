import { Type, type Static } from 'typebox'
import { CLINICAL_PRIVILEGE_ACTION_CATEGORIES, ENCUMBRANCE_TYPES } from '../../domain/enforcement.ts'

/** Wire shapes of the §2.6 encumbrance and investigation routes. */

const Segment = Type.String({ minLength: 1, maxLength: 100 })
export const RecordPath = Type.Object({ compact: Segment, providerId: Segment, jurisdiction: Segment, licenseType: Segment })
export const EncumbrancePath = Type.Object({ compact: Segment, providerId: Segment, jurisdiction: Segment, licenseType: Segment, encumbranceId: Segment })
export const InvestigationPath = Type.Object({ compact: Segment, providerId: Segment, jurisdiction: Segment, licenseType: Segment, investigationId: Segment })

const CalendarDate = Type.String({ format: 'date', maxLength: 10, description: 'YYYY-MM-DD; not later than today (UTC−4)' })

export const EncumbranceBody = Type.Object(
  {
    encumbranceEffectiveDate: CalendarDate,
    encumbranceType: Type.Union(ENCUMBRANCE_TYPES.map((value) => Type.Literal(value))),
    clinicalPrivilegeActionCategories: Type.Array(Type.Union(CLINICAL_PRIVILEGE_ACTION_CATEGORIES.map((value) => Type.Literal(value))), { minItems: 1, maxItems: 8 }),
  },
  { additionalProperties: false },
)
export type EncumbranceBody = Static<typeof EncumbranceBody>

export const LiftBody = Type.Object({ effectiveLiftDate: CalendarDate }, { additionalProperties: false })
export type LiftBody = Static<typeof LiftBody>

/** The original posts an empty body (or none) to open an investigation. */
export const OpenInvestigationBody = Type.Optional(Type.Object({}, { additionalProperties: false }))

export const CloseInvestigationBody = Type.Object({ action: Type.Literal('close'), encumbrance: Type.Optional(EncumbranceBody) }, { additionalProperties: false })
export type CloseInvestigationBody = Static<typeof CloseInvestigationBody>

export const OkMessage = Type.Object({ message: Type.String() })
