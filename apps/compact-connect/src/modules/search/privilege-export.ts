import type { StatePrivilegeView } from '../state-api/state-api.schemas.ts'

/** The export's columns, in the original's order (§2.8): general privilege and home-license fields only. */
export const PRIVILEGE_CSV_FIELDS = [
  'type',
  'providerId',
  'compact',
  'jurisdiction',
  'licenseType',
  'privilegeId',
  'status',
  'compactEligibility',
  'dateOfExpiration',
  'dateOfIssuance',
  'dateOfRenewal',
  'familyName',
  'givenName',
  'middleName',
  'suffix',
  'licenseJurisdiction',
  'licenseStatus',
  'licenseStatusName',
  'licenseNumber',
  'npi',
] as const satisfies readonly (keyof StatePrivilegeView)[]

/** One CSV cell as Python's csv module writes it (minimal quoting: only when a comma, quote or line break is in it). */
export function csvCell(value: string | undefined): string {
  if (value === undefined) return ''
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}

/** One CSV line (`\r\n`-terminated, as csv.DictWriter). */
export function csvLine(values: readonly (string | undefined)[]): string {
  return `${values.map(csvCell).join(',')}\r\n`
}

export const csvHeader = () => csvLine(PRIVILEGE_CSV_FIELDS)

export const csvRow = (privilege: StatePrivilegeView) => csvLine(PRIVILEGE_CSV_FIELDS.map((field) => privilege[field]))
