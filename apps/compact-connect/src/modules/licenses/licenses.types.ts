/** License fields a state uploads (§4.1), after validation; optional ones are absent, never null. */
export interface UploadedLicenseFields {
  licenseType: string
  licenseStatus: 'active' | 'inactive'
  compactEligibility: 'eligible' | 'ineligible'
  givenName: string
  familyName: string
  dateOfIssuance: string
  dateOfExpiration: string
  dateOfBirth: string
  homeAddressStreet1: string
  homeAddressCity: string
  homeAddressState: string
  homeAddressPostalCode: string
  npi?: string
  licenseNumber?: string
  licenseStatusName?: string
  middleName?: string
  suffix?: string
  dateOfRenewal?: string
  homeAddressStreet2?: string
  emailAddress?: string
  phoneNumber?: string
}

/** A validated upload row with its full SSN: exists only between validation and the SSN vault. */
export interface UploadedLicense extends UploadedLicenseFields {
  ssn: string
  /** §4.2 SSN correction (feature-flagged, off: refused). */
  previousSSN?: string
}

/** What the ingest job carries (§4.2 output): the SSN replaced by `ssnLastFour` and the vault's `providerId`. */
export interface LicenseRecordInput extends UploadedLicenseFields {
  providerId: string
  ssnLastFour: string
  /** §4.2 SSN correction (flag on): the provider the license is filed under today, when it differs. */
  previousProviderId?: string
}

/** The stored license fields compared by the ingest diff (§4.3), in their API names. */
export const LICENSE_DIFF_FIELDS = [
  'licenseNumber',
  'npi',
  'ssnLastFour',
  'givenName',
  'middleName',
  'familyName',
  'suffix',
  'dateOfIssuance',
  'dateOfRenewal',
  'dateOfExpiration',
  'dateOfBirth',
  'homeAddressStreet1',
  'homeAddressStreet2',
  'homeAddressCity',
  'homeAddressState',
  'homeAddressPostalCode',
  'emailAddress',
  'phoneNumber',
  'licenseStatusName',
  'jurisdictionUploadedLicenseStatus',
  'jurisdictionUploadedCompactEligibility',
] as const
export type LicenseDiffField = (typeof LICENSE_DIFF_FIELDS)[number]
