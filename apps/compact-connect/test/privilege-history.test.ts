// The privilege history's synthetic events and filters (§4.12), on the plain mapper.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { toPrivilegeHistory } from '../src/modules/providers/providers.mappers.ts'
import type { PrivilegeRow, ProviderBundle, UpdateRecordRow } from '../src/modules/providers/providers.repository.ts'

const SLP = 'speech-language pathologist'
const now = new Date('2026-01-15T12:00:00Z')

const privilege = (overrides: Partial<PrivilegeRow> = {}) =>
  ({
    providerId: 'p1',
    compact: 'aslp',
    jurisdiction: 'co',
    licenseType: SLP,
    privilegeId: 'SLP-CO-1',
    dateOfIssuance: new Date('2023-02-01T15:00:00Z'),
    dateOfExpiration: '2027-01-31',
    ...overrides,
  }) as PrivilegeRow

const update = (updateType: string, at: string, overrides: Partial<UpdateRecordRow> = {}) =>
  ({
    recordType: 'privilege',
    jurisdiction: 'co',
    licenseType: SLP,
    updateType,
    previous: {},
    updatedValues: {},
    createDate: new Date(at),
    effectiveDate: new Date(at),
    dateOfUpdate: new Date(at),
    deactivationDetails: null,
    encumbranceDetails: null,
    investigationDetails: null,
    ...overrides,
  }) as UpdateRecordRow

const bundleOf = (updates: UpdateRecordRow[]) => ({ privilegeUpdates: updates }) as unknown as ProviderBundle
const kinds = (history: ReturnType<typeof toPrivilegeHistory>) => history.events.map((event) => [event.updateType, event.effectiveDate])

test('a renewal after the previous expiry adds a synthetic expiration at 23:59:59 UTC−4, created at the next UTC−4 midnight', () => {
  const renewal = update('renewal', '2024-03-10T14:00:00Z', { previous: { dateOfExpiration: '2024-01-31' } })
  const history = toPrivilegeHistory(bundleOf([renewal]), privilege(), { npdbCategories: true, now })
  assert.deepEqual(kinds(history), [
    ['issuance', '2023-02-01T15:00:00+00:00'],
    ['expiration', '2024-02-01T03:59:59+00:00'],
    ['renewal', '2024-03-10T14:00:00+00:00'],
  ])
  assert.equal(history.events[1]!.createDate, '2024-02-01T04:00:00+00:00')
  assert.equal(history.events[1]!.dateOfUpdate, '2024-02-01T04:00:00+00:00')
})

test('a renewal before the previous expiry adds no expiration', () => {
  const renewal = update('renewal', '2024-01-10T14:00:00Z', { previous: { dateOfExpiration: '2024-01-31' } })
  const history = toPrivilegeHistory(bundleOf([renewal]), privilege(), { npdbCategories: true, now })
  assert.deepEqual(
    history.events.map((event) => event.updateType),
    ['issuance', 'renewal'],
  )
})

test('a current expiry that has passed ends the history with an expiration; one still ahead does not', () => {
  const lapsed = toPrivilegeHistory(bundleOf([]), privilege({ dateOfExpiration: '2026-01-14' }), { npdbCategories: true, now })
  assert.deepEqual(kinds(lapsed), [
    ['issuance', '2023-02-01T15:00:00+00:00'],
    ['expiration', '2026-01-15T03:59:59+00:00'],
  ])
  // Expiring "today" (UTC−4) is not expired yet.
  const current = toPrivilegeHistory(bundleOf([]), privilege({ dateOfExpiration: '2026-01-15' }), { npdbCategories: true, now })
  assert.deepEqual(
    current.events.map((event) => event.updateType),
    ['issuance'],
  )
})

test('events are sorted by effective date, investigations are hidden, other privileges’ updates are ignored', () => {
  const encumbrance = update('encumbrance', '2025-06-01T16:00:00Z', {
    createDate: new Date('2025-06-03T10:00:00Z'),
    encumbranceDetails: { clinicalPrivilegeActionCategories: ['Misconduct or Abuse'], adverseActionId: 'a1' },
  })
  const deactivation = update('deactivation', '2025-05-01T10:00:00Z', { deactivationDetails: { note: 'Outside scope', deactivatedByStaffUserId: 's1', deactivatedByStaffUserName: 'A B' } })
  const hidden = [update('investigation', '2025-04-01T10:00:00Z'), update('closingInvestigation', '2025-04-02T10:00:00Z')]
  const elsewhere = update('deactivation', '2025-03-01T10:00:00Z', { jurisdiction: 'ky' })
  const history = toPrivilegeHistory(bundleOf([encumbrance, ...hidden, elsewhere, deactivation]), privilege(), { npdbCategories: true, now })
  assert.deepEqual(
    history.events.map((event) => event.updateType),
    ['issuance', 'deactivation', 'encumbrance'],
  )
  assert.equal(history.events[1]!.note, 'Outside scope')
  assert.deepEqual(history.events[2]!.npdbCategories, ['Misconduct or Abuse'])
  assert.equal(history.events[2]!.createDate, '2025-06-03T10:00:00+00:00')
  assert.deepEqual({ ...history, events: undefined }, { providerId: 'p1', compact: 'aslp', jurisdiction: 'co', licenseType: SLP, privilegeId: 'SLP-CO-1', events: undefined })
})

test('the public history leaves out npdbCategories but keeps the deactivation note', () => {
  const encumbrance = update('encumbrance', '2025-06-01T16:00:00Z', { encumbranceDetails: { clinicalPrivilegeActionCategories: ['Other'], adverseActionId: 'a1' } })
  const deactivation = update('deactivation', '2025-07-01T10:00:00Z', { deactivationDetails: { note: 'n', deactivatedByStaffUserId: 's1', deactivatedByStaffUserName: 'A B' } })
  const history = toPrivilegeHistory(bundleOf([encumbrance, deactivation]), privilege(), { npdbCategories: false, now })
  assert.ok(history.events.every((event) => !('npdbCategories' in event)))
  assert.equal(history.events[2]!.note, 'n')
})
