/**
 * The one license schema of both upload channels (§4.1): strict (unknown fields and nulls rejected), field errors
 * collected per field in the original's marshmallow wording, plus the inactive/eligible cross-field rule.
 */
import { isCalendarDate } from '../../domain/dates.ts'
import { licenseTypeMessage, licenseTypeNames, type Compact } from '../../domain/compacts.ts'
import type { UploadedLicense } from '../licenses/licenses.types.ts'

export type FieldErrors = Record<string, string[]>

interface FieldRule {
  required: boolean
  check(value: string, compact: Compact): string | undefined
}

const length = (min: number, max: number) => (value: string) => (value.length < min || value.length > max ? `Length must be between ${min} and ${max}.` : undefined)
const pattern = (regex: RegExp) => (value: string) => (regex.test(value) ? undefined : 'String does not match expected pattern.')
const oneOf = (choices: readonly string[]) => (value: string) => (choices.includes(value) ? undefined : `Must be one of: ${choices.join(', ')}.`)
const calendarDate = (value: string) => (isCalendarDate(value) ? undefined : 'Not a valid date.')
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const email = (value: string) => (value.length > 100 ? 'Length must be between 1 and 100.' : EMAIL.test(value) ? undefined : 'Not a valid email address.')

const name = { required: true, check: length(1, 100) }
const optionalName = { required: false, check: length(1, 100) }

export const LICENSE_FIELDS: Readonly<Record<string, FieldRule>> = {
  ssn: { required: true, check: pattern(/^[0-9]{3}-[0-9]{2}-[0-9]{4}$/) },
  licenseType: { required: true, check: (value, compact) => (licenseTypeNames(compact).includes(value) ? undefined : licenseTypeMessage(compact)) },
  licenseStatus: { required: true, check: oneOf(['active', 'inactive']) },
  compactEligibility: { required: true, check: oneOf(['eligible', 'ineligible']) },
  givenName: name,
  familyName: name,
  middleName: optionalName,
  suffix: optionalName,
  licenseNumber: optionalName,
  licenseStatusName: optionalName,
  npi: { required: false, check: pattern(/^[0-9]{10}$/) },
  dateOfIssuance: { required: true, check: calendarDate },
  dateOfExpiration: { required: true, check: calendarDate },
  dateOfBirth: { required: true, check: calendarDate },
  dateOfRenewal: { required: false, check: calendarDate },
  homeAddressStreet1: { required: true, check: length(2, 100) },
  homeAddressStreet2: optionalName,
  homeAddressCity: { required: true, check: length(2, 100) },
  homeAddressState: { required: true, check: length(2, 100) },
  homeAddressPostalCode: { required: true, check: length(5, 7) },
  emailAddress: { required: false, check: email },
  phoneNumber: { required: false, check: pattern(/^\+[0-9]{8,15}$/) },
  previousSSN: { required: false, check: pattern(/^[0-9]{3}-[0-9]{2}-[0-9]{4}$/) },
}

const REQUIRED_FIELDS = Object.keys(LICENSE_FIELDS).filter((field) => LICENSE_FIELDS[field]!.required)

export type ValidationResult = { ok: true; license: UploadedLicense } | { ok: false; errors: FieldErrors }

/**
 * Validates one license object. `allowPathFields`: the JSON channel accepts `compact`/`jurisdiction` (the path
 * overrides them); the CSV channel refuses them as columns.
 */
export function validateLicense(compact: Compact, input: Record<string, unknown>, options: { allowPathFields: boolean }): ValidationResult {
  const errors: FieldErrors = {}
  let invalid = false
  const add = (field: string, message: string) => {
    invalid = true
    ;(errors[field] ??= []).push(message)
  }
  const license: Record<string, string> = {}
  for (const field in input) {
    if (!Object.hasOwn(input, field)) continue
    const value = input[field]
    if (field === 'compact' || field === 'jurisdiction') {
      if (!options.allowPathFields) add(field, 'Unknown field.')
      continue
    }
    const rule = LICENSE_FIELDS[field]
    if (!rule) {
      add(field, 'Unknown field.')
      continue
    }
    if (value === null) {
      add(field, 'Field may not be null.')
      continue
    }
    if (typeof value !== 'string') {
      add(field, 'Not a valid string.')
      continue
    }
    const problem = rule.check(value, compact)
    if (problem) add(field, problem)
    else license[field] = value
  }
  for (const field of REQUIRED_FIELDS) if (!(field in input)) add(field, 'Missing data for required field.')
  if (license.licenseStatus === 'inactive' && license.compactEligibility === 'eligible') {
    add('compactEligibility', 'Cannot be eligible if licenseStatus is inactive.')
  }
  if (invalid) return { ok: false, errors }
  return { ok: true, license: license as unknown as UploadedLicense }
}

/** The safe subset of a row reported with its validation errors (§4.1): no SSN, no DOB, no address or contact. */
export function safeValidData(input: Record<string, unknown>): Record<string, string> {
  const safe: Record<string, string> = {}
  for (const field of [
    'givenName',
    'middleName',
    'familyName',
    'suffix',
    'licenseNumber',
    'licenseType',
    'licenseStatus',
    'licenseStatusName',
    'compactEligibility',
    'dateOfIssuance',
    'dateOfRenewal',
    'dateOfExpiration',
  ]) {
    const value = input[field]
    if (typeof value === 'string' && value !== '') safe[field] = value
  }
  return safe
}

/** The message for a later row repeating an (SSN, license type) already seen in the same upload (§4.1, #1187). */
export function duplicateSsnMessage(licenseType: string, firstRecord: number | string): string {
  return `Duplicate License SSN detected for license type ${licenseType}. SSN matches with record ${firstRecord}. Every record must have a unique SSN per license type within the same file.`
}
