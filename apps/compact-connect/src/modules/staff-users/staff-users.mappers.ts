import { isoDateTime } from '../../domain/dates.ts'
import type { StaffUserRow } from './staff-users.repository.ts'
import type { StaffUserView } from './staff-users.schemas.ts'

type CompactPermissions = StaffUserView['permissions'][string]

function flags(actions: readonly string[]): Record<string, boolean> {
  return Object.fromEntries(actions.map((action) => [action, true]))
}

export function compactPermissionsView(row: Pick<StaffUserRow, 'permissions'>): CompactPermissions {
  const jurisdictions: CompactPermissions['jurisdictions'] = {}
  for (const [jurisdiction, actions] of Object.entries(row.permissions.jurisdictions)) if (actions.length > 0) jurisdictions[jurisdiction] = { actions: flags(actions) }
  return { actions: flags(row.permissions.actions), jurisdictions }
}

/**
 * The API shape of a user (§1.11) from its records: one record for the compact routes, all of the
 * user's records for `/v1/staff-users/me` (attributes from the newest record, `dateOfUpdate` the latest).
 */
export function toStaffUserView(rows: readonly StaffUserRow[]): StaffUserView {
  const newest = rows.reduce((latest, row) => (row.dateOfUpdate > latest.dateOfUpdate ? row : latest), rows[0]!)
  return {
    type: 'user',
    userId: newest.userId,
    status: rows.some((row) => row.status === 'active') ? 'active' : 'inactive',
    dateOfUpdate: isoDateTime(newest.dateOfUpdate),
    attributes: { email: newest.email, givenName: newest.givenName, familyName: newest.familyName },
    permissions: Object.fromEntries(rows.map((row) => [row.compact, compactPermissionsView(row)])),
  }
}
