import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { attestationProblem, hasCurrentOrRecentEncumbrance, isActiveMilitary, renewalChangesNothing, twoYearsAndOneDayBefore } from '../src/modules/purchases/purchase-rules.ts'

const latest = new Map([
  ['jurisprudence-confirmation', '2'],
  ['scope-of-practice-attestation', '1'],
  ['personal-information-home-state-attestation', '1'],
  ['personal-information-address-attestation', '1'],
  ['discipline-no-current-encumbrance-attestation', '1'],
  ['discipline-no-prior-encumbrance-attestation', '1'],
  ['provision-of-true-information-attestation', '1'],
  ['not-under-investigation-attestation', '1'],
  ['under-investigation-attestation', '1'],
  ['military-affiliation-confirmation-attestation', '1'],
  ['military-personal-information-state-license-attestation', '1'],
])
const six = [
  'jurisprudence-confirmation',
  'scope-of-practice-attestation',
  'personal-information-address-attestation',
  'discipline-no-current-encumbrance-attestation',
  'discipline-no-prior-encumbrance-attestation',
  'provision-of-true-information-attestation',
]
const at = (ids: string[]) => ids.map((attestationId) => ({ attestationId, version: latest.get(attestationId) ?? '1' }))

describe('purchase rules (§4.6 steps 4, 6, 8)', () => {
  test('attestations: the exact set at the latest versions', () => {
    assert.equal(attestationProblem(at([...six, 'not-under-investigation-attestation', 'personal-information-home-state-attestation']), latest, false), undefined)
    assert.equal(
      attestationProblem(at([...six, 'under-investigation-attestation', 'military-affiliation-confirmation-attestation', 'military-personal-information-state-license-attestation']), latest, true),
      undefined,
    )
    // Military buyer sending the home-state attestation instead.
    assert.match(
      attestationProblem(at([...six, 'not-under-investigation-attestation', 'personal-information-home-state-attestation']), latest, true)!,
      /^Missing required attestations: military-affiliation/,
    )
    // Non-military buyer sending a military one too.
    assert.match(
      attestationProblem(at([...six, 'not-under-investigation-attestation', 'personal-information-home-state-attestation', 'military-affiliation-confirmation-attestation']), latest, false)!,
      /^Unexpected attestations provided/,
    )
    // Both or neither investigation attestations.
    assert.match(attestationProblem(at([...six, 'personal-information-home-state-attestation']), latest, false)!, /^Exactly one of/)
    assert.match(
      attestationProblem(at([...six, 'not-under-investigation-attestation', 'under-investigation-attestation', 'personal-information-home-state-attestation']), latest, false)!,
      /^Exactly one of/,
    )
    // Old version, unknown id, repeated id.
    const old = at([...six, 'not-under-investigation-attestation', 'personal-information-home-state-attestation']).map((a) =>
      a.attestationId === 'jurisprudence-confirmation' ? { ...a, version: '1' } : a,
    )
    assert.match(attestationProblem(old, latest, false)!, /not the latest version \(2\)/)
    assert.match(attestationProblem(at([...six, 'bogus']), latest, false)!, /^Attestation not found: bogus/)
    assert.match(attestationProblem(at([...six, 'scope-of-practice-attestation']), latest, false)!, /^Duplicate attestations/)
  })

  test('encumbrance: unlifted, or lifted within two years and a day, blocks', () => {
    assert.equal(twoYearsAndOneDayBefore('2026-12-03'), '2024-12-02')
    assert.equal(twoYearsAndOneDayBefore('2026-03-01'), '2024-02-29')
    assert.equal(twoYearsAndOneDayBefore('2028-02-29'), '2026-02-27')
    assert.equal(hasCurrentOrRecentEncumbrance([], '2026-12-03'), false)
    assert.equal(hasCurrentOrRecentEncumbrance([{ effectiveLiftDate: null }], '2026-12-03'), true)
    assert.equal(hasCurrentOrRecentEncumbrance([{ effectiveLiftDate: '2024-12-03' }], '2026-12-03'), true)
    assert.equal(hasCurrentOrRecentEncumbrance([{ effectiveLiftDate: '2024-12-02' }], '2026-12-03'), false)
    assert.equal(hasCurrentOrRecentEncumbrance([{ effectiveLiftDate: '2020-05-01' }], '2026-12-03'), false)
  })

  test('renewal must change something', () => {
    const privilege = { dateOfExpiration: '2045-01-31', administratorSetStatus: 'active', homeJurisdictionChangeStatus: null, licenseDeactivatedStatus: null }
    assert.equal(renewalChangesNothing(privilege, '2045-01-31'), true)
    assert.equal(renewalChangesNothing(privilege, '2046-01-31'), false)
    assert.equal(renewalChangesNothing({ ...privilege, administratorSetStatus: 'inactive' }, '2045-01-31'), false)
    assert.equal(renewalChangesNothing({ ...privilege, homeJurisdictionChangeStatus: 'inactive' }, '2045-01-31'), false)
    assert.equal(renewalChangesNothing({ ...privilege, licenseDeactivatedStatus: 'licenseDeactivated' }, '2045-01-31'), false)
  })

  test('active military is tentative or approved', () => {
    assert.equal(isActiveMilitary('approved'), true)
    assert.equal(isActiveMilitary('tentative'), true)
    assert.equal(isActiveMilitary('declined'), false)
    assert.equal(isActiveMilitary('notApplicable'), false)
    assert.equal(isActiveMilitary(null), false)
  })
})
