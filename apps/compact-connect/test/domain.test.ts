import { test } from 'node:test'
import assert from 'node:assert/strict'
import { COMPACT_DEFINITIONS, JURISDICTIONS, isCompact, isJurisdiction, licenseTypeAbbreviation, licenseTypeByAbbreviation, licenseTypeMessage } from '../src/domain/compacts.ts'
import { daysBeforeToday, isExpired, today } from '../src/domain/dates.ts'
import { activeSince, licenseCompactEligibility, licenseStatus, privilegeStatus, providerCompactEligibility } from '../src/domain/status.ts'
import { chooseBestLicense, classifyLicenseUpdate, deactivationCascades, diffLicense, providerFamGivMid } from '../src/domain/ingest-rules.ts'
import { gatewayGrants, hasActionForProvider, hasCompactOnly, hasCompactOrAnyJurisdiction, hasJurisdictionWrite, hasStateOnly, staffScopes } from '../src/permissions.ts'

test('static configuration: 53 jurisdictions, three compacts with their member counts and license types', () => {
  assert.equal(JURISDICTIONS.length, 53)
  assert.deepEqual(
    Object.values(COMPACT_DEFINITIONS).map((compact) => [compact.abbreviation, compact.activeMemberJurisdictions.length]),
    [
      ['aslp', 35],
      ['octp', 32],
      ['coun', 38],
    ],
  )
  for (const compact of Object.values(COMPACT_DEFINITIONS)) {
    assert.ok(compact.activeMemberJurisdictions.every(isJurisdiction))
    assert.ok(!isJurisdiction(compact.abbreviation), 'a compact abbreviation never collides with a jurisdiction code')
  }
  assert.equal(licenseTypeAbbreviation('aslp', 'speech-language pathologist'), 'slp')
  assert.equal(licenseTypeByAbbreviation('octp', 'ota'), 'occupational therapy assistant')
  assert.equal(licenseTypeMessage('aslp'), 'Must be one of: audiologist, speech-language pathologist.')
  assert.ok(isCompact('coun') && !isCompact('ASLP'))
})

test('"today" is the UTC−4 calendar date: 2024-11-08 expires at 2024-11-09T04:00:00Z, not before', () => {
  assert.equal(today(new Date('2024-11-09T03:59:59Z')), '2024-11-08')
  assert.equal(isExpired('2024-11-08', new Date('2024-11-09T03:59:59Z')), false)
  assert.equal(isExpired('2024-11-08', new Date('2024-11-09T04:00:00Z')), true)
  assert.equal(daysBeforeToday(30, new Date('2026-03-01T12:00:00Z')), '2026-01-30')
})

const license = (overrides: Partial<Parameters<typeof licenseStatus>[0]> = {}) => ({
  jurisdictionUploadedLicenseStatus: 'active' as const,
  jurisdictionUploadedCompactEligibility: 'eligible' as const,
  dateOfExpiration: '2045-01-31',
  encumberedStatus: 'unencumbered',
  ...overrides,
})

test('license status and eligibility are calculated from upload, expiry and encumbrance', () => {
  const now = new Date('2026-01-15T12:00:00Z')
  assert.equal(licenseStatus(license(), now), 'active')
  assert.equal(licenseCompactEligibility(license(), now), 'eligible')
  // P5: uploaded active/eligible but expired 2025-03-31 → inactive/ineligible
  assert.equal(licenseStatus(license({ dateOfExpiration: '2025-03-31' }), now), 'inactive')
  assert.equal(licenseCompactEligibility(license({ dateOfExpiration: '2025-03-31' }), now), 'ineligible')
  // P7: encumbered → inactive/ineligible
  assert.equal(licenseStatus(license({ encumberedStatus: 'encumbered' }), now), 'inactive')
  assert.equal(licenseCompactEligibility(license({ encumberedStatus: 'encumbered' }), now), 'ineligible')
  // P4: uploaded inactive/ineligible
  assert.equal(licenseStatus(license({ jurisdictionUploadedLicenseStatus: 'inactive', jurisdictionUploadedCompactEligibility: 'ineligible' }), now), 'inactive')
  // uploaded ineligible stays ineligible while active
  assert.equal(licenseCompactEligibility(license({ jurisdictionUploadedCompactEligibility: 'ineligible' }), now), 'ineligible')
})

test('a provider is eligible only while living in its license jurisdiction (unregistered = unknown = ineligible)', () => {
  const now = new Date('2026-01-15T12:00:00Z')
  assert.equal(providerCompactEligibility({ ...license(), licenseJurisdiction: 'co', currentHomeJurisdiction: 'co' }, now), 'eligible')
  assert.equal(providerCompactEligibility({ ...license(), licenseJurisdiction: 'ky', currentHomeJurisdiction: 'unknown' }, now), 'ineligible')
  assert.equal(providerCompactEligibility({ ...license(), licenseJurisdiction: 'oh', currentHomeJurisdiction: 'other' }, now), 'ineligible')
})

test('privilege status needs admin-active, unexpired, unencumbered and no home-change or license deactivation', () => {
  const now = new Date('2026-01-15T12:00:00Z')
  const privilege = { administratorSetStatus: 'active' as const, dateOfExpiration: '2044-12-31' }
  assert.equal(privilegeStatus(privilege, now), 'active')
  assert.equal(privilegeStatus({ ...privilege, administratorSetStatus: 'inactive' }, now), 'inactive')
  assert.equal(privilegeStatus({ ...privilege, encumberedStatus: 'licenseEncumbered' }, now), 'inactive')
  assert.equal(privilegeStatus({ ...privilege, encumberedStatus: 'unencumbered' }, now), 'active')
  assert.equal(privilegeStatus({ ...privilege, homeJurisdictionChangeStatus: 'inactive' }, now), 'inactive')
  assert.equal(privilegeStatus({ ...privilege, licenseDeactivatedStatus: 'licenseDeactivated' }, now), 'inactive')
  assert.equal(privilegeStatus({ ...privilege, dateOfExpiration: '2026-01-14' }, now), 'inactive')
})

test('activeSince starts at issuance, is reset by a deactivation and set again by the next renewal', () => {
  const now = new Date('2026-01-15T12:00:00Z')
  const privilege = { administratorSetStatus: 'active' as const, dateOfExpiration: '2044-12-31', dateOfIssuance: '2024-01-01T00:00:00+00:00' }
  assert.equal(activeSince(privilege, [], now), '2024-01-01T00:00:00+00:00')
  const updates = [
    { updateType: 'deactivation', effectiveDate: '2024-06-01T00:00:00Z', updatedValues: { administratorSetStatus: 'inactive' } },
    { updateType: 'renewal', effectiveDate: '2025-01-01T00:00:00Z', updatedValues: { dateOfRenewal: '2025-01-01T00:00:00+00:00' } },
    { updateType: 'renewal', effectiveDate: '2025-06-01T00:00:00Z', updatedValues: { dateOfRenewal: '2025-06-01T00:00:00+00:00' } },
  ]
  assert.equal(activeSince(privilege, updates, now), '2025-01-01T00:00:00+00:00')
  assert.equal(activeSince({ ...privilege, administratorSetStatus: 'inactive' }, updates, now), undefined)
  const moved = [{ updateType: 'homeJurisdictionChange', effectiveDate: '2025-01-01T00:00:00Z', updatedValues: { encumberedStatus: 'licenseEncumbered' } }]
  assert.equal(activeSince(privilege, moved, now), undefined)
})

test('ingest diff: changed and removed values; identical uploads differ in nothing', () => {
  const fields = ['givenName', 'middleName', 'dateOfExpiration', 'jurisdictionUploadedLicenseStatus']
  const before = { givenName: 'Ann', middleName: 'B', dateOfExpiration: '2030-01-01', jurisdictionUploadedLicenseStatus: 'active' }
  assert.equal(diffLicense(before, { ...before }, fields), undefined)
  const diff = diffLicense(before, { givenName: 'Ann', dateOfExpiration: '2032-01-01', jurisdictionUploadedLicenseStatus: 'active' }, fields)!
  assert.deepEqual(diff, { updatedValues: { dateOfExpiration: '2032-01-01' }, removedValues: ['middleName'] })
  assert.equal(classifyLicenseUpdate(before, diff), 'renewal')
  const deactivated = diffLicense(before, { ...before, dateOfExpiration: '2032-01-01', jurisdictionUploadedLicenseStatus: 'inactive' }, fields)!
  assert.equal(classifyLicenseUpdate(before, deactivated), 'deactivation', 'deactivation takes precedence over renewal')
  assert.equal(classifyLicenseUpdate(before, diffLicense(before, { ...before, givenName: 'Anne' }, fields)!), 'other')
  const now = new Date('2026-01-15T12:00:00Z')
  assert.equal(deactivationCascades('deactivation', '2030-01-01', now), true)
  assert.equal(deactivationCascades('deactivation', '2025-01-01', now), false, 'an expired license does not cascade')
})

test('best license: home jurisdiction first, then newest eligible, then newest active, then newest', () => {
  const now = new Date('2026-01-15T12:00:00Z')
  const base = { dateOfExpiration: '2040-01-01', jurisdictionUploadedLicenseStatus: 'active' as const, jurisdictionUploadedCompactEligibility: 'eligible' as const }
  const oh = { ...base, jurisdiction: 'oh', dateOfIssuance: '2010-01-01' }
  const ky = { ...base, jurisdiction: 'ky', dateOfIssuance: '2020-01-01' }
  const kyOld = { ...base, jurisdiction: 'ky', dateOfIssuance: '2015-01-01', jurisdictionUploadedCompactEligibility: 'ineligible' as const }
  assert.equal(chooseBestLicense([oh, ky], 'unknown', now), ky, 'newest eligible when home has none')
  assert.equal(chooseBestLicense([oh, ky], 'oh', now), oh, 'restricted to the home jurisdiction')
  const inactiveNew = { ...ky, dateOfIssuance: '2024-01-01', jurisdictionUploadedLicenseStatus: 'inactive' as const, jurisdictionUploadedCompactEligibility: 'ineligible' as const }
  assert.equal(chooseBestLicense([kyOld, inactiveNew], 'ky', now), kyOld, 'active beats a newer inactive one')
  assert.equal(chooseBestLicense([inactiveNew], 'ky', now), inactiveNew)
  assert.equal(providerFamGivMid("O'Brien", 'Ann Marie', null), 'o%27brien#ann%20marie#')
})

test('staff scopes are minted as §3.1 says, failing closed on anything unknown', () => {
  assert.deepEqual(staffScopes([{ compact: 'aslp', permissions: { actions: ['admin'], jurisdictions: {} } }]), ['profile', 'aslp/readGeneral', 'aslp/admin'])
  assert.deepEqual(staffScopes([{ compact: 'aslp', permissions: { actions: ['read'], jurisdictions: { oh: ['admin', 'write', 'readPrivate'] } } }]), [
    'profile',
    'aslp/readGeneral',
    'oh/aslp.admin',
    'oh/aslp.write',
    'oh/aslp.readPrivate',
  ])
  assert.deepEqual(staffScopes([{ compact: 'aslp', permissions: { actions: [], jurisdictions: { ca: ['write'] } } }]), ['profile'], 'ca is not an aslp member')
  assert.deepEqual(staffScopes([{ compact: 'zzz', permissions: { actions: [], jurisdictions: {} } }]), ['profile'])
  assert.deepEqual(staffScopes([{ compact: 'aslp', permissions: { actions: ['write'], jurisdictions: {} } }]), ['profile'], 'compact-level write is never granted to staff')
})

test('the four authorization helpers', () => {
  const stateAdmin = new Set(['profile', 'aslp/readGeneral', 'oh/aslp.admin', 'oh/aslp.write'])
  const compactAdmin = new Set(['profile', 'aslp/readGeneral', 'aslp/admin'])
  assert.ok(hasCompactOrAnyJurisdiction(stateAdmin, 'aslp', 'admin'))
  assert.ok(!hasCompactOrAnyJurisdiction(stateAdmin, 'octp', 'admin'))
  assert.ok(hasCompactOnly(compactAdmin, 'aslp', 'admin') && !hasCompactOnly(stateAdmin, 'aslp', 'admin'))
  assert.ok(hasStateOnly(stateAdmin, 'aslp', 'oh', 'admin'))
  assert.ok(!hasStateOnly(compactAdmin, 'aslp', 'oh', 'admin'), 'compact admins are not state admins')
  assert.ok(hasJurisdictionWrite(stateAdmin, 'aslp', 'oh') && !hasJurisdictionWrite(stateAdmin, 'aslp', 'ky'))
  assert.ok(!hasJurisdictionWrite(new Set(['aslp/write']), 'aslp', 'oh'), 'compact-level write is not enough')
  assert.ok(hasActionForProvider(new Set(['ky/aslp.readSSN']), 'aslp', 'readSSN', ['oh', 'ky']))
  assert.ok(!hasActionForProvider(new Set(['ky/aslp.readSSN']), 'aslp', 'readSSN', ['oh']))
  assert.deepEqual(gatewayGrants(['profile', 'oh/aslp.write', 'aslp/readGeneral']).sort(), ['scope.profile', 'scope.readGeneral', 'scope.write'])
})
