// cc-s3-rollback: the license upload rollback's decision rules (§5 "other ops", #1188).
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { decideProviderRollback, restoredLicenseValues, rollbackWindowProblem, type RollbackLicense, type RollbackPrivilege, type RollbackUpdate } from '../src/domain/rollback-rules.ts'

const start = new Date('2026-01-15T08:00:00Z')
const end = new Date('2026-01-15T18:00:00Z')
const before = new Date('2026-01-10T00:00:00Z')
const during = new Date('2026-01-15T12:00:00Z')
const after = new Date('2026-01-16T00:00:00Z')
const SLP = 'speech-language pathologist'

const license = (id: number, firstUploadDate: Date | null, overrides: Partial<RollbackLicense> = {}): RollbackLicense => ({ id, jurisdiction: 'oh', licenseType: SLP, firstUploadDate, ...overrides })
const privilege = (id: number, overrides: Partial<RollbackPrivilege> = {}): RollbackPrivilege => ({
  id,
  jurisdiction: 'ky',
  licenseJurisdiction: 'oh',
  licenseType: SLP,
  dateOfIssuance: before,
  dateOfRenewal: before,
  ...overrides,
})
const update = (id: number, recordType: string, updateType: string, createDate: Date, overrides: Partial<RollbackUpdate> = {}): RollbackUpdate => ({
  id,
  recordType,
  jurisdiction: recordType === 'provider' ? null : recordType === 'privilege' ? 'ky' : 'oh',
  licenseType: recordType === 'provider' ? null : SLP,
  updateType,
  createDate,
  previous: { givenName: `before-${id}` },
  ...overrides,
})
const decide = (licenses: RollbackLicense[], updates: RollbackUpdate[] = [], privileges: RollbackPrivilege[] = []) =>
  decideProviderRollback({ jurisdiction: 'oh', start, end, licenses, privileges, updates })

describe('rollback window', () => {
  test('start before end, at most 7 days, valid datetimes', () => {
    assert.equal(rollbackWindowProblem(start, end), undefined)
    assert.equal(rollbackWindowProblem(end, start), 'Start time must be before end time')
    assert.equal(rollbackWindowProblem(start, start), 'Start time must be before end time')
    assert.equal(rollbackWindowProblem(start, new Date(start.getTime() + 7 * 86_400_000)), undefined)
    assert.equal(rollbackWindowProblem(start, new Date(start.getTime() + 7 * 86_400_000 + 1)), 'Time window cannot exceed 7 days')
    assert.equal(rollbackWindowProblem(new Date('nope'), end), 'Invalid datetime format')
  })
})

describe('which providers are reverted and how', () => {
  test('a license first uploaded in the window is deleted with its updates', () => {
    const decision = decide([license(1, during)], [update(7, 'license', 'renewal', during)])
    assert.deepEqual(decision, {
      kind: 'revert',
      plan: { deleteLicenses: [{ id: 1, jurisdiction: 'oh', licenseType: SLP }], restoreLicenses: [], reactivatePrivileges: [], deleteUpdates: [7] },
    })
  })

  test('a license updated by uploads in the window is restored to the earliest update’s previous values', () => {
    const decision = decide([license(1, before)], [update(9, 'license', 'other', new Date(during.getTime() + 1000)), update(8, 'license', 'renewal', during)])
    assert.equal(decision.kind, 'revert')
    if (decision.kind !== 'revert') return
    assert.deepEqual(decision.plan.restoreLicenses, [{ id: 1, jurisdiction: 'oh', licenseType: SLP, previous: { givenName: 'before-8' } }])
    assert.deepEqual(decision.plan.deleteUpdates.sort(), [8, 9])
    assert.deepEqual(decision.plan.deleteLicenses, [])
  })

  test('updates before the window and licenses of other jurisdictions are left alone', () => {
    const decision = decide([license(1, before), license(2, during, { jurisdiction: 'ky' })], [update(3, 'license', 'renewal', before), update(4, 'license', 'other', during, { jurisdiction: 'ky' })])
    assert.deepEqual(decision, { kind: 'revert', plan: { deleteLicenses: [], restoreLicenses: [], reactivatePrivileges: [], deleteUpdates: [] } })
  })

  test('a privilege license-deactivated by the window’s upload is reactivated', () => {
    const decision = decide([license(1, before)], [update(5, 'license', 'deactivation', during), update(6, 'privilege', 'licenseDeactivation', during)], [privilege(40)])
    assert.equal(decision.kind, 'revert')
    if (decision.kind !== 'revert') return
    assert.deepEqual(decision.plan.reactivatePrivileges, [{ id: 40, jurisdiction: 'ky', licenseType: SLP }])
    assert.deepEqual(decision.plan.deleteUpdates.sort(), [5, 6])
  })
})

describe('which providers are skipped for manual review', () => {
  const skipped = (decision: ReturnType<typeof decide>) => (decision.kind === 'skip' ? decision.ineligibleUpdates.map((entry) => [entry.recordType, entry.typeOfUpdate]) : 'reverted')

  test('a license upload after the window end', () => {
    assert.deepEqual(skipped(decide([license(1, before)], [update(1, 'license', 'renewal', during), update(2, 'license', 'other', after)])), [['licenseUpdate', 'other']])
  })

  test('a license change that no upload makes (encumbrance) since the start', () => {
    assert.deepEqual(skipped(decide([license(1, before)], [update(1, 'license', 'renewal', during), update(2, 'license', 'encumbrance', during)])), [['licenseUpdate', 'encumbrance']])
  })

  test('any provider update since the start', () => {
    const decision = decide([license(1, before)], [update(1, 'license', 'renewal', during), update(2, 'provider', 'registration', after)])
    assert.deepEqual(skipped(decision), [['providerUpdate', 'registration']])
    assert.equal(decision.kind === 'skip' && decision.ineligibleUpdates[0]!.licenseType, 'N/A')
  })

  test('privileges bought on a license created in the window', () => {
    assert.deepEqual(skipped(decide([license(1, during)], [], [privilege(3, { dateOfIssuance: after, dateOfRenewal: after })])), [
      ['privilegeUpdate', 'issuance'],
      ['privilegeUpdate', 'Issuance'],
    ])
  })

  test('a privilege renewed or changed otherwise since the start, or license-deactivated after the end', () => {
    assert.deepEqual(skipped(decide([license(1, before)], [update(1, 'license', 'renewal', during)], [privilege(3, { dateOfRenewal: after })])), [['privilegeUpdate', 'renewal']])
    assert.deepEqual(skipped(decide([license(1, before)], [update(1, 'license', 'renewal', during), update(2, 'privilege', 'deactivation', during)], [privilege(3)])), [
      ['privilegeUpdate', 'deactivation'],
    ])
    assert.deepEqual(skipped(decide([license(1, before)], [update(1, 'license', 'deactivation', during), update(2, 'privilege', 'licenseDeactivation', after)], [privilege(3)])), [
      ['privilegeUpdate', 'licenseDeactivation'],
    ])
  })
})

test('a restore writes every upload field from the snapshot, absent ones as null', () => {
  assert.deepEqual(restoredLicenseValues({ givenName: 'Ann', dateOfRenewal: undefined, npi: '1234567890' }, ['givenName', 'middleName', 'npi', 'dateOfRenewal']), {
    givenName: 'Ann',
    middleName: null,
    npi: '1234567890',
    dateOfRenewal: null,
  })
})
