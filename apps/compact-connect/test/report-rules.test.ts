import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  detailRows,
  DETAIL_COLUMNS,
  financialSummary,
  financialSummaryCsv,
  jurisdictionDetailCsv,
  monthlyReportWindow,
  reminderDates,
  reportKey,
  settlementWindows,
  toCsv,
  transactionDetailCsv,
  weeklyReportWindow,
  windowDates,
  type SettledTransactionRecord,
} from '../src/modules/reports/report-rules.ts'
import { dataEventExpiry, detailOf, isRecordedEvent, jurisdictionsOf } from '../src/modules/data-events/data-events.ts'
import { renderNotification, TEMPLATE_VARIABLES } from '../src/modules/notifications/templates.ts'
import { distinctAddresses } from '../src/modules/notifications/notifications.service.ts'

test('weekly window: the 7 days ending at the most recent Saturday 00:00 UTC', () => {
  // Monday 2026-03-09 04:00 → Saturday 2026-02-28 … Saturday 2026-03-07 00:00.
  assert.deepEqual(weeklyReportWindow(new Date('2026-03-09T04:00:00Z')), { start: new Date('2026-02-28T00:00:00Z'), end: new Date('2026-03-07T00:00:00Z') })
  // On a Saturday the window ends that midnight.
  assert.deepEqual(weeklyReportWindow(new Date('2026-03-07T10:00:00Z')).end, new Date('2026-03-07T00:00:00Z'))
  assert.deepEqual(windowDates(weeklyReportWindow(new Date('2026-03-09T04:00:00Z'))), { startDate: '2026-02-28', endDate: '2026-03-06' })
})

test('monthly window: the previous calendar month, across a year end', () => {
  assert.deepEqual(monthlyReportWindow(new Date('2026-03-03T02:00:00Z')), { start: new Date('2026-02-01T00:00:00Z'), end: new Date('2026-03-01T00:00:00Z') })
  assert.deepEqual(monthlyReportWindow(new Date('2026-01-03T02:00:00Z')), { start: new Date('2025-12-01T00:00:00Z'), end: new Date('2026-01-01T00:00:00Z') })
})

test('report keys follow the §5 layout', () => {
  assert.equal(reportKey('aslp', 'compact-transactions', 'weekly', new Date('2026-03-09T04:00:00Z'), 'x.zip'), 'compact/aslp/reports/compact-transactions/reporting-cycle/weekly/2026/03/09/x.zip')
})

test('expiration reminder dates: today in UTC−4 plus 30, 7 and 0 days', () => {
  // 02:00 UTC on 1 March is still 28 February in UTC−4.
  assert.deepEqual(reminderDates(new Date('2026-03-01T02:00:00Z')), [
    { days: 30, date: '2026-03-30' },
    { days: 7, date: '2026-03-07' },
    { days: 0, date: '2026-02-28' },
  ])
})

test('settlement windows never exceed 31 days', () => {
  const windows = settlementWindows(new Date('2026-01-01T00:00:00Z'), new Date('2026-03-05T00:00:00Z'))
  assert.deepEqual(
    windows.map((window) => [window.start.toISOString().slice(0, 10), window.end.toISOString().slice(0, 10)]),
    [
      ['2026-01-01', '2026-02-01'],
      ['2026-02-01', '2026-03-04'],
      ['2026-03-04', '2026-03-05'],
    ],
  )
  assert.deepEqual(settlementWindows(new Date('2026-01-02T00:00:00Z'), new Date('2026-01-01T00:00:00Z')), [])
})

const purchase = (id: string, at: string, jurisdictions: string[], extra: { itemId: string; quantity: number; unitPrice: number }[] = []): SettledTransactionRecord => ({
  transactionId: id,
  settlementTime: new Date(at),
  transactionStatus: 'settledSuccessfully',
  providerId: `p-${id}`,
  licenseeFirstName: 'Ann',
  licenseeLastName: 'Lee, Jr.',
  lineItems: [
    ...jurisdictions.map((jurisdiction) => ({ itemId: `priv:aslp-${jurisdiction}-slp`, quantity: 1, unitPrice: jurisdiction === 'oh' ? 5000 : 20000 })),
    { itemId: 'aslp-compact-fee', quantity: jurisdictions.length, unitPrice: 5050 },
    { itemId: 'credit-card-transaction-fee', quantity: jurisdictions.length, unitPrice: 500 },
    ...extra,
  ],
  privileges: jurisdictions.map((jurisdiction, index) => ({ jurisdiction, privilegeId: `SLP-${jurisdiction.toUpperCase()}-${id}${index}` })),
})

test('report rows and totals: one detail row per privilege, summary per jurisdiction with fees, unknown items and total', () => {
  const history = [purchase('2', '2026-03-02T02:00:00Z', ['oh']), purchase('1', '2026-03-01T02:00:00Z', ['oh', 'ky'], [{ itemId: 'mystery', quantity: 1, unitPrice: 99 }])]
  const rows = detailRows('aslp', history)
  assert.deepEqual(
    rows.map((row) => [row.transactionId, row.state, row.stateFee, row.administrativeFee, row.transactionFee, row.privilegeId]),
    [
      ['1', 'OH', 5000, 5050, 500, 'SLP-OH-10'],
      ['1', 'KY', 20000, 5050, 500, 'SLP-KY-11'],
      ['2', 'OH', 5000, 5050, 500, 'SLP-OH-20'],
    ],
  )
  const summary = financialSummary('aslp', history, ['oh', 'ky', 'ne'])
  assert.deepEqual(summary.jurisdictions, [
    { jurisdiction: 'OH', privileges: 2, stateFees: 10000 },
    { jurisdiction: 'KY', privileges: 1, stateFees: 20000 },
    { jurisdiction: 'NE', privileges: 0, stateFees: 0 },
  ])
  assert.equal(summary.administrativeFees, 3 * 5050)
  assert.equal(summary.transactionFees, 3 * 500)
  assert.equal(summary.unknownItems, 99)
  assert.equal(summary.total, 10000 + 20000 + 3 * 5050 + 3 * 500 + 99)

  const csv = transactionDetailCsv(rows)
  const [header, first] = csv.split('\r\n')
  assert.equal(header, DETAIL_COLUMNS.join(','))
  assert.equal(
    header,
    'Licensee First Name,Licensee Last Name,Licensee Id,Transaction Settlement Date UTC,State,State Fee,Administrative Fee,Collected Transaction Fee,Transaction Id,Privilege Id,Transaction Status',
  )
  assert.equal(first, 'Ann,"Lee, Jr.",p-1,2026-03-01T02:00:00.000Z,OH,$50.00,$50.50,$5.00,1,SLP-OH-10,settledSuccessfully')
  const summaryCsv = financialSummaryCsv(summary, (code) => code)
  assert.match(summaryCsv, /State Fees \(OH\),\$100\.00/)
  assert.match(summaryCsv, /Total Processed Amount,\$467\.49/)
  const ky = jurisdictionDetailCsv(rows, 'ky')
  assert.match(ky, /Privileges Purchased,1/)
  assert.match(ky, /Total State Amount,\$200\.00/)
  assert.equal(toCsv([['a"b', 'c\nd']]), '"a""b","c\nd"\r\n')
})

test('data events: expiry 90/366 days, home-state changes not recorded, purchases filed per privilege jurisdiction, no SSN fields', () => {
  const at = new Date('2026-01-01T00:00:00Z')
  assert.equal(dataEventExpiry('license.validation-error', at).toISOString(), '2026-04-01T00:00:00.000Z')
  assert.equal(dataEventExpiry('privilege.encumbrance', at).toISOString(), '2027-01-02T00:00:00.000Z')
  assert.equal(isRecordedEvent('provider.homeJurisdictionChange'), false)
  assert.equal(isRecordedEvent('privilege.investigation'), true)
  assert.deepEqual(jurisdictionsOf({ compact: 'aslp', privileges: [{ jurisdiction: 'oh' }, { jurisdiction: 'ky' }, { jurisdiction: 'oh' }] }), ['oh', 'ky'])
  assert.deepEqual(jurisdictionsOf({ compact: 'aslp' }), ['-'])
  assert.deepEqual(detailOf({ compact: 'aslp', jurisdiction: 'oh', eventTime: 'x', providerId: 'p', ssn: '123', previousSSN: '456' }), { providerId: 'p' })
})

test('every template renders a subject, text and HTML; the testing banner only outside production; values are escaped', () => {
  for (const template of Object.keys(TEMPLATE_VARIABLES) as (keyof typeof TEMPLATE_VARIABLES)[]) {
    const rendered = renderNotification(template, 'aslp', { providerFirstName: '<b>Ann</b>', jurisdiction: 'oh', privileges: ['Ohio slp'], verificationCode: '1234' }, true)
    assert.ok(rendered.subject.length > 0, template)
    assert.match(rendered.text, /testing environment/, template)
    assert.doesNotMatch(rendered.html, /<b>Ann<\/b>/, template)
    assert.doesNotMatch(renderNotification(template, 'aslp', {}, false).text, /testing environment/, template)
  }
  const reminder = renderNotification(
    'privilegeExpirationReminder',
    'aslp',
    { providerFirstName: 'Ann', expirationDate: '2026-04-01', daysUntilExpiration: 30, privileges: ['Ohio slp (privilege SLP-OH-1)'] },
    false,
  )
  assert.equal(reminder.subject, 'Your compact privileges expire on 2026-04-01')
  assert.match(reminder.text, /Hello Ann,/)
  assert.match(reminder.text, /- Ohio slp \(privilege SLP-OH-1\)/)
  const state = renderNotification(
    'licenseEncumbranceStateNotification',
    'aslp',
    { providerFirstName: 'Ann', providerLastName: 'Lee', providerId: 'p1', encumberedJurisdiction: 'ky', licenseType: 'audiologist', effectiveStartDate: '2026-02-01' },
    false,
  )
  assert.equal(state.subject, 'A license in Kentucky has been encumbered')
  assert.match(state.text, /Audiology and Speech Language Pathology compact, effective 2026-02-01/)
  assert.match(state.text, /Provider: Ann Lee \(provider id p1\)/)
})

test('recipient addresses are trimmed and de-duplicated case-insensitively', () => {
  assert.deepEqual(distinctAddresses([' a@x.org', 'A@x.org', '', 'b@x.org']), ['a@x.org', 'b@x.org'])
})
