import { Type, type Static } from 'typebox'

/** Wire shapes of §1.11 / §2.4. */

const Name = Type.String({ minLength: 1, maxLength: 100 })
export const StaffEmail = Type.String({ format: 'email', minLength: 3, maxLength: 100 })

const ActionFlags = Type.Record(Type.String({ maxLength: 50 }), Type.Boolean(), { maxProperties: 10 })

/** One compact's permissions as the API writes them: `{actions: {a: true}, jurisdictions: {j: {actions: {a: true}}}}`. */
export const CompactPermissionsView = Type.Object({
  actions: Type.Record(Type.String(), Type.Boolean()),
  jurisdictions: Type.Record(Type.String(), Type.Object({ actions: Type.Record(Type.String(), Type.Boolean()) })),
})

export const StaffAttributes = Type.Object({ email: Type.String(), givenName: Type.String(), familyName: Type.String() })

export const StaffUserView = Type.Object({
  type: Type.Literal('user'),
  userId: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('inactive')]),
  dateOfUpdate: Type.String(),
  attributes: StaffAttributes,
  permissions: Type.Record(Type.String(), CompactPermissionsView),
})
export type StaffUserView = Static<typeof StaffUserView>

/** A permission change (`true` adds, `false` removes), keyed by compact. */
export const PermissionChanges = Type.Record(
  Type.String({ maxLength: 20 }),
  Type.Object(
    {
      actions: Type.Optional(ActionFlags),
      jurisdictions: Type.Optional(Type.Record(Type.String({ maxLength: 20 }), Type.Object({ actions: Type.Optional(ActionFlags) }, { additionalProperties: false }), { maxProperties: 60 })),
    },
    { additionalProperties: false },
  ),
  { maxProperties: 5 },
)
export type PermissionChanges = Static<typeof PermissionChanges>

export const CreateStaffUserBody = Type.Object(
  {
    attributes: Type.Object({ email: StaffEmail, givenName: Name, familyName: Name }, { additionalProperties: false }),
    permissions: PermissionChanges,
  },
  { additionalProperties: false },
)
export type CreateStaffUserBody = Static<typeof CreateStaffUserBody>

export const PatchStaffUserBody = Type.Object({ permissions: PermissionChanges }, { additionalProperties: false })
export type PatchStaffUserBody = Static<typeof PatchStaffUserBody>

export const PatchMeBody = Type.Object(
  { attributes: Type.Object({ givenName: Type.Optional(Name), familyName: Type.Optional(Name) }, { additionalProperties: false }) },
  { additionalProperties: false },
)
export type PatchMeBody = Static<typeof PatchMeBody>

export const ListQuery = Type.Object({ pageSize: Type.Optional(Type.Integer({ minimum: 5, maximum: 100 })), lastKey: Type.Optional(Type.String({ maxLength: 1024 })) })
export type ListQuery = Static<typeof ListQuery>

export const Pagination = Type.Object({ pageSize: Type.Integer(), prevLastKey: Type.Union([Type.String(), Type.Null()]), lastKey: Type.Union([Type.String(), Type.Null()]) })

export const StaffUserList = Type.Object({ users: Type.Array(StaffUserView), pagination: Pagination })
export type StaffUserList = Static<typeof StaffUserList>

export const Message = Type.Object({ message: Type.String() })
