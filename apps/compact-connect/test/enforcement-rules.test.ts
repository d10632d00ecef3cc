// The pure rules of encumbrances, investigations, the home-jurisdiction change and military affiliations (§4.8–§4.11).
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  hasUnliftedAction,
  isFutureDate,
  longDate,
  militaryDocumentKey,
  militaryFileProblem,
  notifiedJurisdictions,
  planHomeJurisdictionChange,
  privilegesToLicenseEncumber,
  privilegesToRelease,
  privilegeStatusAfterLift,
  providerEncumbered,
  type HomeChangeLicense,
  type HomeChangePrivilege,
} from '../src/domain/enforcement.ts'
import { encumbranceNotifications, investigationNotifications, snapshotOf } from '../src/modules/encumbrances/effects.ts'
import { activeSince, privilegeStatus } from '../src/domain/status.ts'

describe('encumbrance dates (§4.8)', () => {
  test('a date later than the UTC−4 today is in the future; today is not', () => {
    // 2026-01-16T03:59:59Z is still 2026-01-15 in UTC−4.
    const now = new Date('2026-01-16T03:59:59Z')
    assert.equal(isFutureDate('2026-01-15', now), false)
    assert.equal(isFutureDate('2026-01-16', now), true)
    assert.equal(isFutureDate('2026-01-16', new Date('2026-01-16T04:00:00Z')), false)
  })

  test('e-mails print dates as the original did', () => {
    assert.equal(longDate('2026-01-05'), 'January 05, 2026')
    assert.equal(longDate('2025-12-31'), 'December 31, 2025')
  })
})

describe('encumbered states (§1.6, §4.8)', () => {
  test('a record stays encumbered while any adverse action is unlifted', () => {
    assert.equal(hasUnliftedAction([{ effectiveLiftDate: '2025-01-01' }, { effectiveLiftDate: null }]), true)
    assert.equal(hasUnliftedAction([{ effectiveLiftDate: '2025-01-01' }]), false)
    assert.equal(hasUnliftedAction([]), false)
  })

  test('a lifted privilege stays licenseEncumbered while its home license is encumbered', () => {
    assert.equal(privilegeStatusAfterLift({ encumberedStatus: 'encumbered' }), 'licenseEncumbered')
    assert.equal(privilegeStatusAfterLift({ encumberedStatus: 'unencumbered' }), 'unencumbered')
    assert.equal(privilegeStatusAfterLift(undefined), 'unencumbered')
  })

  test('the provider is encumbered while any license or privilege carries its own encumbrance', () => {
    assert.equal(providerEncumbered([{ encumberedStatus: 'unencumbered' }], [{ encumberedStatus: 'licenseEncumbered' }]), false)
    assert.equal(providerEncumbered([{ encumberedStatus: null }], [{ encumberedStatus: 'encumbered' }]), true)
    assert.equal(providerEncumbered([{ encumberedStatus: 'encumbered' }], []), true)
  })

  test('a license encumbrance reaches its unencumbered privileges only; its lift releases licenseEncumbered ones only', () => {
    const license = { jurisdiction: 'oh', licenseType: 'audiologist' }
    const privileges = [
      { id: 1, licenseJurisdiction: 'oh', licenseType: 'audiologist', encumberedStatus: null },
      { id: 2, licenseJurisdiction: 'oh', licenseType: 'audiologist', encumberedStatus: 'encumbered' },
      { id: 3, licenseJurisdiction: 'oh', licenseType: 'audiologist', encumberedStatus: 'unencumbered' },
      { id: 4, licenseJurisdiction: 'ky', licenseType: 'audiologist', encumberedStatus: null },
      { id: 5, licenseJurisdiction: 'oh', licenseType: 'speech-language pathologist', encumberedStatus: null },
      { id: 6, licenseJurisdiction: 'oh', licenseType: 'audiologist', encumberedStatus: 'licenseEncumbered' },
    ]
    assert.deepEqual(
      privilegesToLicenseEncumber(privileges, license).map((row) => row.id),
      [1, 3],
    )
    assert.deepEqual(
      privilegesToRelease(privileges, license).map((row) => row.id),
      [6],
    )
  })

  test('encumbered or licenseEncumbered privileges are inactive, and an encumbrance resets activeSince', () => {
    const privilege = { administratorSetStatus: 'active' as const, dateOfExpiration: '2040-01-01' }
    assert.equal(privilegeStatus({ ...privilege, encumberedStatus: 'licenseEncumbered' }), 'inactive')
    assert.equal(privilegeStatus({ ...privilege, encumberedStatus: 'unencumbered' }), 'active')
    const since = activeSince({ ...privilege, encumberedStatus: 'unencumbered', dateOfIssuance: '2025-01-01T00:00:00+00:00' }, [
      { updateType: 'encumbrance', effectiveDate: '2025-06-01T16:00:00Z', updatedValues: { encumberedStatus: 'encumbered' } },
      { updateType: 'lifting_encumbrance', effectiveDate: '2025-07-01T16:00:00Z', updatedValues: { encumberedStatus: 'unencumbered' } },
    ])
    assert.equal(since, undefined)
  })
})

describe('notifications (§4.8, §4.9, §4.15)', () => {
  const provider = { givenName: 'Theo', familyName: 'Marsh', compactConnectRegisteredEmailAddress: 'theo@example.org' }

  test('the acting jurisdiction first, then every other state of a license or privilege, once each', () => {
    assert.deepEqual(notifiedJurisdictions('oh', [{ jurisdiction: 'oh' }, { jurisdiction: 'ky' }], [{ jurisdiction: 'co' }, { jurisdiction: 'ky' }]), ['oh', 'co', 'ky'])
  })

  test('an encumbrance e-mails the provider and each notified state, with the original template variables', () => {
    const requests = encumbranceNotifications({
      kind: 'license',
      lifting: false,
      compact: 'aslp',
      providerId: 'p1',
      provider,
      actingJurisdiction: 'oh',
      licenseType: 'audiologist',
      date: '2026-01-05',
      jurisdictions: ['oh', 'co'],
    })
    assert.deepEqual(requests[0], {
      template: 'licenseEncumbranceProviderNotification',
      recipientType: 'SPECIFIC',
      compact: 'aslp',
      specificEmails: ['theo@example.org'],
      templateVariables: { providerFirstName: 'Theo', providerLastName: 'Marsh', encumberedJurisdiction: 'oh', licenseType: 'audiologist', effectiveStartDate: 'January 05, 2026' },
    })
    assert.deepEqual(
      requests.slice(1).map((request) => [request.template, request.recipientType, request.jurisdiction, request.templateVariables.providerId]),
      [
        ['licenseEncumbranceStateNotification', 'JURISDICTION_ADVERSE_ACTIONS', 'oh', 'p1'],
        ['licenseEncumbranceStateNotification', 'JURISDICTION_ADVERSE_ACTIONS', 'co', 'p1'],
      ],
    )
  })

  test('a lifting uses the Lifting templates and lift variables; an unregistered provider gets no e-mail', () => {
    const requests = encumbranceNotifications({
      kind: 'privilege',
      lifting: true,
      compact: 'aslp',
      providerId: 'p1',
      provider: { ...provider, compactConnectRegisteredEmailAddress: null },
      actingJurisdiction: 'co',
      licenseType: 'audiologist',
      date: '2026-02-01',
      jurisdictions: ['co'],
    })
    assert.equal(requests.length, 1)
    assert.equal(requests[0]!.template, 'privilegeEncumbranceLiftingStateNotification')
    assert.deepEqual(requests[0]!.templateVariables, {
      providerFirstName: 'Theo',
      providerLastName: 'Marsh',
      providerId: 'p1',
      liftedJurisdiction: 'co',
      licenseType: 'audiologist',
      effectiveLiftDate: 'February 01, 2026',
    })
  })

  test('investigations notify the states only', () => {
    const requests = investigationNotifications({
      kind: 'privilege',
      closed: true,
      compact: 'aslp',
      providerId: 'p1',
      provider,
      investigationJurisdiction: 'co',
      licenseType: 'audiologist',
      jurisdictions: ['co', 'oh'],
    })
    assert.deepEqual(
      requests.map((request) => [request.template, request.recipientType, request.jurisdiction]),
      [
        ['privilegeInvestigationClosedStateNotification', 'JURISDICTION_ADVERSE_ACTIONS', 'co'],
        ['privilegeInvestigationClosedStateNotification', 'JURISDICTION_ADVERSE_ACTIONS', 'oh'],
      ],
    )
  })

  test('update-record snapshots drop the surrogate id and nulls and write ISO moments', () => {
    assert.deepEqual(snapshotOf({ id: 3, a: null, b: 'x', at: new Date('2026-01-01T00:00:00Z') }), { b: 'x', at: '2026-01-01T00:00:00+00:00' })
  })
})

describe('home jurisdiction change (§4.10)', () => {
  const now = new Date('2026-01-15T12:00:00Z')
  const license = (id: number, jurisdiction: string, overrides: Partial<HomeChangeLicense> = {}): HomeChangeLicense => ({
    id,
    jurisdiction,
    licenseType: 'audiologist',
    dateOfExpiration: '2040-01-01',
    jurisdictionUploadedCompactEligibility: 'eligible',
    encumberedStatus: null,
    ...overrides,
  })
  const privilege = (id: number, jurisdiction: string, overrides: Partial<HomeChangePrivilege> = {}): HomeChangePrivilege => ({
    id,
    jurisdiction,
    licenseType: 'audiologist',
    encumberedStatus: null,
    homeJurisdictionChangeStatus: null,
    ...overrides,
  })

  test('no license in the new state, `other`, or a state not live: every privilege not yet home-deactivated is deactivated', () => {
    const privileges = [privilege(1, 'co'), privilege(2, 'ne', { homeJurisdictionChangeStatus: 'inactive' })]
    for (const [newHome, live] of [
      ['ky', true],
      ['other', false],
      ['ky', false],
    ] as const) {
      const licenses = newHome === 'ky' && !live ? [license(1, 'oh'), license(2, 'ky')] : [license(1, 'oh')]
      const plan = planHomeJurisdictionChange({ oldHome: 'oh', newHome, newHomeLive: live, licenses, privileges, now })
      assert.deepEqual(plan, { provider: { kind: 'homeOnly' }, privileges: [{ privilegeId: 1, kind: 'deactivate' }] })
    }
  })

  test('privileges move to the new license (expiration and jurisdiction); one located in the new home state is deactivated', () => {
    const plan = planHomeJurisdictionChange({
      oldHome: 'oh',
      newHome: 'ky',
      newHomeLive: true,
      licenses: [license(1, 'oh'), license(2, 'ky', { dateOfExpiration: '2041-06-30' })],
      privileges: [privilege(1, 'co'), privilege(2, 'ky')],
      now,
    })
    assert.deepEqual(plan, {
      provider: { kind: 'rebuild' },
      privileges: [
        { privilegeId: 1, kind: 'move', licenseJurisdiction: 'ky', dateOfExpiration: '2041-06-30' },
        { privilegeId: 2, kind: 'deactivate' },
      ],
    })
  })

  test('an encumbered new license makes moved privileges licenseEncumbered, except those already encumbered', () => {
    const plan = planHomeJurisdictionChange({
      oldHome: 'oh',
      newHome: 'ky',
      newHomeLive: true,
      licenses: [license(1, 'oh'), license(2, 'ky', { encumberedStatus: 'encumbered' })],
      privileges: [privilege(1, 'co'), privilege(2, 'ne', { encumberedStatus: 'encumbered' })],
      now,
    })
    assert.deepEqual(plan.privileges, [
      { privilegeId: 1, kind: 'move', licenseJurisdiction: 'ky', dateOfExpiration: '2040-01-01', encumberedStatus: 'licenseEncumbered' },
      { privilegeId: 2, kind: 'move', licenseJurisdiction: 'ky', dateOfExpiration: '2040-01-01' },
    ])
  })

  test('old home license missing, expired or encumbered: those privileges are left alone', () => {
    for (const old of [[], [license(1, 'oh', { dateOfExpiration: '2025-01-01' })], [license(1, 'oh', { encumberedStatus: 'encumbered' })]]) {
      const plan = planHomeJurisdictionChange({ oldHome: 'oh', newHome: 'ky', newHomeLive: true, licenses: [...old, license(2, 'ky')], privileges: [privilege(1, 'co')], now })
      assert.deepEqual(plan, { provider: { kind: 'rebuild' }, privileges: [] })
    }
  })

  test('no new license of that type, or an uploaded-ineligible one: those privileges are deactivated, not moved', () => {
    for (const newLicense of [license(2, 'ky', { licenseType: 'speech-language pathologist' }), license(2, 'ky', { jurisdictionUploadedCompactEligibility: 'ineligible' })]) {
      const plan = planHomeJurisdictionChange({ oldHome: 'oh', newHome: 'ky', newHomeLive: true, licenses: [license(1, 'oh'), newLicense], privileges: [privilege(1, 'co')], now })
      assert.deepEqual(plan.privileges, [{ privilegeId: 1, kind: 'deactivate' }])
    }
  })
})

describe('military documents (§4.11)', () => {
  test('only pdf, jpg, jpeg, png and docx, in any case', () => {
    assert.equal(militaryFileProblem('orders.PDF'), undefined)
    assert.equal(militaryFileProblem('scan.jpeg'), undefined)
    assert.equal(militaryFileProblem('virus.exe'), `Invalid file type "exe" The following file types are supported: ('pdf', 'jpg', 'jpeg', 'png', 'docx')`)
    assert.match(militaryFileProblem('noextension')!, /^Invalid file type ""/)
  })

  test('document keys follow the original layout with a lower-cased extension', () => {
    assert.equal(militaryDocumentKey('aslp', 'p1', '2026-01-15', 'u1', 'My Orders.PDF'), 'compact/aslp/provider/p1/document-type/military-affiliations/2026-01-15/u1#My Orders.pdf')
  })
})
