import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'
import { licenseCompactEligibility, licenseStatus, privilegeStatus, providerCompactEligibility } from '../src/domain/status.ts'
import { providerIdOf } from '../seeds/qa-providers.ts'

let t: TestApp<CompactConnectConfig>
before(async () => {
  t = await buildTestApp(compactConnect, { env: { JOBS_ENABLED: 'false' } })
})
after(async () => t.close())

const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => t.database.query(sql, params) as Promise<T[]>

test('POST /qa/seedDatabase loads the §9.7 providers (twice: it replaces, never duplicates) with the calculated statuses the spec states', async () => {
  for (let run = 0; run < 2; run++) {
    const response = await t.app.inject({ method: 'POST', url: '/qa/seedDatabase' })
    assert.equal(response.statusCode, 204, response.body)
  }
  type Row = {
    provider_id: string
    license_jurisdiction: string
    current_home_jurisdiction: string
    date_of_expiration: string
    jurisdiction_uploaded_license_status: 'active' | 'inactive'
    jurisdiction_uploaded_compact_eligibility: 'eligible' | 'ineligible'
    encumbered_status: string
    privilege_jurisdictions: string[]
    ssn_last_four: string
    provider_fam_giv_mid: string
  }
  const rows = await query<Row>(`SELECT *, date_of_expiration::text AS date_of_expiration FROM providers ORDER BY provider_id`)
  assert.equal(rows.length, 8)
  const now = new Date('2026-06-01T12:00:00Z')
  const calculated = rows.map((row) => {
    const input = {
      jurisdictionUploadedLicenseStatus: row.jurisdiction_uploaded_license_status,
      jurisdictionUploadedCompactEligibility: row.jurisdiction_uploaded_compact_eligibility,
      dateOfExpiration: row.date_of_expiration,
      encumberedStatus: row.encumbered_status,
      licenseJurisdiction: row.license_jurisdiction,
      currentHomeJurisdiction: row.current_home_jurisdiction,
    }
    return [licenseStatus(input, now), providerCompactEligibility(input, now)]
  })
  assert.deepEqual(calculated, [
    ['active', 'eligible'],
    ['active', 'eligible'],
    ['active', 'eligible'],
    ['inactive', 'ineligible'],
    ['inactive', 'ineligible'],
    ['active', 'ineligible'],
    ['inactive', 'ineligible'],
    ['active', 'eligible'],
  ])
  assert.deepEqual(
    rows.map((row) => row.privilege_jurisdictions),
    [[], ['co', 'ky', 'ne'], [], ['oh'], [], [], [], []],
  )
  assert.deepEqual(
    rows.map((row) => row.ssn_last_four),
    ['1001', '1002', '1003', '1004', '1005', '1006', '1007', '1008'],
  )
  assert.equal(rows[0]!.provider_fam_giv_mid, 'quimby#harriet#june')

  const licenses = await query<{
    jurisdiction_uploaded_license_status: 'active' | 'inactive'
    jurisdiction_uploaded_compact_eligibility: 'eligible' | 'ineligible'
    date_of_expiration: string
    encumbered_status: string
  }>(`SELECT *, date_of_expiration::text AS date_of_expiration FROM licenses ORDER BY provider_id`)
  assert.deepEqual(
    licenses.map((license) => {
      const input = {
        jurisdictionUploadedLicenseStatus: license.jurisdiction_uploaded_license_status,
        jurisdictionUploadedCompactEligibility: license.jurisdiction_uploaded_compact_eligibility,
        dateOfExpiration: license.date_of_expiration,
        encumberedStatus: license.encumbered_status,
      }
      return `${licenseStatus(input, now)}/${licenseCompactEligibility(input, now)}`
    }),
    ['active/eligible', 'active/eligible', 'active/eligible', 'inactive/ineligible', 'inactive/ineligible', 'active/eligible', 'inactive/ineligible', 'active/eligible'],
  )
  const privileges = await query<{
    privilege_id: string
    administrator_set_status: 'active' | 'inactive'
    date_of_expiration: string
    home_jurisdiction_change_status: string | null
    license_deactivated_status: string | null
    attestations: unknown[]
  }>(`SELECT *, date_of_expiration::text AS date_of_expiration FROM privileges ORDER BY privilege_id`)
  assert.deepEqual(
    privileges.map((privilege) => [
      privilege.privilege_id,
      privilegeStatus(
        {
          administratorSetStatus: privilege.administrator_set_status,
          dateOfExpiration: privilege.date_of_expiration,
          homeJurisdictionChangeStatus: privilege.home_jurisdiction_change_status,
          licenseDeactivatedStatus: privilege.license_deactivated_status,
        },
        now,
      ),
      privilege.attestations.length,
    ]),
    [
      ['AUD-OH-4', 'inactive', 8],
      ['SLP-CO-1', 'active', 8],
      ['SLP-KY-2', 'inactive', 8],
      ['SLP-NE-3', 'inactive', 8],
    ],
  )
  const vault = t.app.compactConnect.services.ssn
  assert.equal(await vault.readSsn('aslp', providerIdOf(6)), '900-10-1006')
  assert.equal(await vault.findProviderId('aslp', '900-10-1003'), providerIdOf(3))
  assert.deepEqual(await query(`SELECT compact, privilege_count::int AS privilege_count FROM privilege_counters ORDER BY compact`), [
    { compact: 'aslp', privilege_count: 4 },
    { compact: 'coun', privilege_count: 0 },
    { compact: 'octp', privilege_count: 0 },
  ])
  const actions = await query<{ adverse_action_id: string; effective_lift_date: string | null }>(
    `SELECT adverse_action_id, effective_lift_date::text AS effective_lift_date FROM adverse_actions ORDER BY adverse_action_id`,
  )
  assert.equal(actions.length, 3)
  assert.equal(actions[1]!.effective_lift_date, null)
  assert.equal((await query(`SELECT 1 FROM update_records`)).length, 0, 'seeded records carry no history')
  assert.equal((await query(`SELECT 1 FROM signature_keys WHERE compact = 'aslp' AND jurisdiction = 'oh' AND key_id = 'qa-oh-key-1'`)).length, 1)
})
