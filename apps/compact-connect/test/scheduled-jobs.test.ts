import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { strFromU8, unzipSync } from 'fflate'
import { eq } from '@hearth/kernel'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '@hearth/kernel/testing/smtp-sink'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'
import { dataEvents, privileges, providers, transactionHistory, transactions } from '../src/db/schema.ts'
import { seedQaConfiguration } from '../seeds/qa-configuration.ts'
import type { NotificationRequest } from '../src/modules/notifications/notification.types.ts'

let testApp: TestApp<CompactConnectConfig>
let sink: SmtpSink
const S = new Date('2026-01-15T12:00:00+00:00')

const container = () => testApp.app.compactConnect
const db = () => testApp.database.db

/** Runs one schedule period at `now` and every job it causes (notifications included). */
async function tick(now: string): Promise<string[]> {
  const claimed = await container().jobs.tickSchedules(new Date(now))
  while ((await container().jobs.drain()) > 0);
  return claimed
}

/** Messages received since `from` (an index into the sink's list) that match. */
function received(from: number, predicate: (mail: ReceivedMail) => boolean): ReceivedMail[] {
  return sink.messages.slice(from).filter(predicate)
}

/** Lets the SMTP sink finish reading what was sent. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 100))

async function givenProvider(options: { givenName?: string; email?: string | null } = {}): Promise<string> {
  const providerId = randomUUID()
  await container().repositories.licenses.insertProviderIfMissing(db(), {
    providerId,
    compact: 'aslp',
    licenseJurisdiction: 'co',
    jurisdictionUploadedLicenseStatus: 'active',
    jurisdictionUploadedCompactEligibility: 'eligible',
    encumberedStatus: 'unencumbered',
    ssnLastFour: '1001',
    givenName: options.givenName ?? 'Harriet',
    familyName: 'Quimby',
    dateOfExpiration: '2045-01-31',
    dateOfBirth: '1985-03-14',
    compactConnectRegisteredEmailAddress: options.email === undefined ? `${providerId}@example.org` : options.email,
    currentHomeJurisdiction: 'co',
    birthMonthDay: '03-14',
    providerFamGivMid: 'quimby#harriet#',
    providerDateOfUpdate: S,
    dateOfUpdate: S,
  })
  return providerId
}

async function givenPrivilege(providerId: string, jurisdiction: string, dateOfExpiration: string, extra: Partial<typeof privileges.$inferInsert> = {}): Promise<string> {
  const privilegeId = `SLP-${jurisdiction.toUpperCase()}-${Math.floor(Math.random() * 1e9)}`
  await db()
    .insert(privileges)
    .values({
      providerId,
      compact: 'aslp',
      jurisdiction,
      licenseJurisdiction: 'co',
      licenseType: 'speech-language pathologist',
      dateOfIssuance: S,
      dateOfRenewal: S,
      dateOfExpiration,
      privilegeId,
      dateOfUpdate: S,
      ...extra,
    })
  return privilegeId
}

describe('notifications (§4.15) and the scheduled jobs of §5', () => {
  before(async () => {
    sink = await startSmtpSink()
    testApp = await buildTestApp(compactConnect, { env: { SMTP_URL: sink.url, SCHEDULES_ENABLED: 'true', JOBS_ENABLED: 'false' } })
    await seedQaConfiguration(testApp.app.compactConnect)
  })
  after(async () => {
    await testApp.close()
    await sink.close()
  })

  test('notification.send resolves recipients from configuration at send time, for each recipient family', async () => {
    const from = sink.messages.length
    const jobs = container().jobs
    await testApp.database.transaction(async (tx) => {
      await jobs.enqueue(tx, 'notification.send', {
        template: 'licenseEncumbranceStateNotification',
        recipientType: 'JURISDICTION_ADVERSE_ACTIONS',
        compact: 'aslp',
        jurisdiction: 'oh',
        templateVariables: { providerFirstName: 'Ann', providerLastName: 'Lee', providerId: 'p-1', encumberedJurisdiction: 'oh', licenseType: 'audiologist', effectiveStartDate: '2026-02-01' },
      })
      await jobs.enqueue(tx, 'notification.send', {
        template: 'homeJurisdictionChangeOldStateNotification',
        recipientType: 'COMPACT_OPERATIONS_TEAM',
        compact: 'aslp',
        templateVariables: { providerFirstName: 'Ann', providerLastName: 'Lee', providerId: 'p-1', previousJurisdiction: 'oh', newJurisdiction: 'ky' },
      })
      await jobs.enqueue(tx, 'notification.send', {
        template: 'providerEmailVerificationCode',
        recipientType: 'SPECIFIC',
        compact: 'aslp',
        specificEmails: ['new.address@example.org', 'NEW.address@example.org'],
        templateVariables: { verificationCode: '4821' },
      })
    })
    // Configuration changed after the enqueue: the job reads it when it runs.
    const jurisdiction = await container().repositories.configuration.jurisdiction(db(), 'aslp', 'oh')
    await container().repositories.configuration.upsertJurisdiction(db(), { ...jurisdiction!, jurisdictionAdverseActionsNotificationEmails: ['adverse@oh.example.org', 'board@oh.example.org'] })
    assert.equal(await jobs.drain(), 3)
    await settle()

    const adverse = received(from, (mail) => mail.subject === 'A license in Ohio has been encumbered')
    assert.deepEqual(adverse.flatMap((mail) => mail.to).sort(), ['adverse@oh.example.org', 'board@oh.example.org'])
    assert.match(adverse[0]!.text, /testing environment/)
    assert.match(adverse[0]!.text, /Provider: Ann Lee \(provider id p-1\)/)
    assert.match(adverse[0]!.html, /effective 2026-02-01/)
    const ops = received(from, (mail) => mail.subject === 'A provider has moved their home state from Ohio to Kentucky')
    assert.deepEqual(
      ops.flatMap((mail) => mail.to),
      ['ops@aslp.example.org'],
    )
    const code = received(from, (mail) => mail.subject === 'Verify your new email address')
    assert.deepEqual(
      code.flatMap((mail) => mail.to),
      ['new.address@example.org'],
    )
    assert.match(code[0]!.text, /4821/)
  })

  test('the other template families reach their recipients over SMTP with their content', async () => {
    const provider = { providerFirstName: 'Ann', providerLastName: 'Lee', providerId: 'p-9' }
    const cases: { request: NotificationRequest; to: string[]; subject: string; text: RegExp }[] = [
      {
        request: {
          template: 'privilegeDeactivationJurisdictionNotification',
          recipientType: 'JURISDICTION_SUMMARY_REPORT',
          compact: 'aslp',
          jurisdiction: 'ne',
          templateVariables: { ...provider, privilegeId: 'SLP-NE-7', jurisdiction: 'ne' },
        },
        to: ['reports@ne.example.org'],
        subject: 'A privilege was deactivated in the Audiology and Speech Language Pathology compact',
        text: /Privilege SLP-NE-7 in Nebraska was deactivated/,
      },
      {
        request: {
          template: 'privilegeDeactivationProviderNotification',
          recipientType: 'SPECIFIC',
          compact: 'aslp',
          specificEmails: ['ann@example.org'],
          templateVariables: { ...provider, privilegeId: 'SLP-NE-7' },
        },
        to: ['ann@example.org'],
        subject: 'Your compact privilege has been deactivated',
        text: /Your privilege SLP-NE-7 in the Audiology and Speech Language Pathology compact has been deactivated/,
      },
      {
        request: {
          template: 'privilegeInvestigationClosedStateNotification',
          recipientType: 'COMPACT_ADVERSE_ACTIONS',
          compact: 'aslp',
          templateVariables: { ...provider, investigationJurisdiction: 'co', licenseType: 'audiologist' },
        },
        to: ['adverse@aslp.example.org'],
        subject: 'Investigation closed on a privilege in Colorado',
        text: /The investigation of the audiologist privilege of a provider in Colorado/,
      },
      {
        request: {
          template: 'militaryAuditDeclinedNotification',
          recipientType: 'SPECIFIC',
          compact: 'aslp',
          specificEmails: ['ann@example.org'],
          templateVariables: { providerFirstName: 'Ann', auditNote: 'Document unreadable' },
        },
        to: ['ann@example.org'],
        subject: 'Your military documentation was not approved',
        text: /Reviewer note: Document unreadable/,
      },
      {
        request: { template: 'multipleRegistrationAttemptNotification', recipientType: 'SPECIFIC', compact: 'aslp', specificEmails: ['ann@example.org'], templateVariables: {} },
        to: ['ann@example.org'],
        subject: 'Registration attempt with your email address',
        text: /already has an account/,
      },
      {
        request: {
          template: 'providerAccountRecoveryConfirmation',
          recipientType: 'SPECIFIC',
          compact: 'aslp',
          specificEmails: ['ann@example.org'],
          templateVariables: { recoveryUrl: 'https://app.example.org/recover?token=abc' },
        },
        to: ['ann@example.org'],
        subject: 'Confirm your CompactConnect account recovery',
        text: /https:\/\/app\.example\.org\/recover\?token=abc/,
      },
      {
        request: {
          template: 'ssnCorrectionReregistrationNotification',
          recipientType: 'SPECIFIC',
          compact: 'aslp',
          specificEmails: ['old@example.org'],
          templateVariables: { providerFirstName: 'Ann' },
        },
        to: ['old@example.org'],
        subject: 'Please register again in CompactConnect',
        text: /register again/,
      },
      {
        request: {
          template: 'providerEmailChangeNotification',
          recipientType: 'SPECIFIC',
          compact: 'aslp',
          specificEmails: ['old@example.org'],
          templateVariables: { newEmailAddress: 'new@example.org' },
        },
        to: ['old@example.org'],
        subject: 'Your CompactConnect email address was changed',
        text: /was changed to new@example\.org/,
      },
    ]
    const from = sink.messages.length
    await testApp.database.transaction(async (tx) => {
      for (const { request } of cases) await container().jobs.enqueue(tx, 'notification.send', request)
    })
    assert.equal(await container().jobs.drain(), cases.length)
    await settle()
    for (const expected of cases) {
      const mails = received(from, (mail) => mail.subject === expected.subject)
      assert.deepEqual(
        mails.flatMap((mail) => mail.to),
        expected.to,
        expected.subject,
      )
      assert.match(mails[0]!.text, expected.text)
      assert.match(mails[0]!.html, /<p>/)
    }
  })

  test('a retried notification job does not resend to recipients already reached; no recipients → finished, not retried', async () => {
    const service = container().services.notifications
    const request = {
      template: 'ingestNoLicenseUpdates',
      recipientType: 'JURISDICTION_OPERATIONS_TEAM',
      compact: 'aslp',
      jurisdiction: 'ky',
      templateVariables: { jurisdiction: 'ky', weekStart: 'a', weekEnd: 'b' },
    } as const
    const from = sink.messages.length
    // The first attempt reached the recipient, then the job "failed" before finishing: the retry sends nothing more.
    await service.send(request, { id: 987654 })
    await service.send(request, { id: 987654 })
    await settle()
    assert.equal(received(from, (mail) => mail.to.includes('ops@ky.example.org')).length, 1)
    // Another job with the same request is another notification.
    await service.send(request, { id: 987655 })
    // Nothing configured for this jurisdiction / no addresses: the job ends quietly.
    await service.send({ ...request, jurisdiction: 'wy' }, { id: 987656 })
    await service.send({ ...request, recipientType: 'SPECIFIC', specificEmails: [] }, { id: 987657 })
    await settle()
    assert.equal(received(from, (mail) => mail.to.includes('ops@ky.example.org')).length, 2)
    assert.equal(sink.messages.length - from, 2)
  })

  test('the quarter-hour ingest reporter mails a digest of the errors of the previous 15 minutes to the jurisdiction ops team, once', async () => {
    const from = sink.messages.length
    const recorder = container().repositories.dataEvents
    await recorder.record(db(), 'license.validation-error', {
      compact: 'aslp',
      jurisdiction: 'ne',
      eventTime: '2026-05-04T10:07:00Z',
      recordNumber: 3,
      errors: { dateOfBirth: ['Not a valid date.'] },
      validData: {},
    })
    await recorder.record(db(), 'license.ingest-failure', { compact: 'aslp', jurisdiction: 'ne', eventTime: '2026-05-04T10:14:59Z', errors: ['Unparseable CSV'] })
    // Outside the window: not reported.
    await recorder.record(db(), 'license.validation-error', {
      compact: 'aslp',
      jurisdiction: 'ne',
      eventTime: '2026-05-04T09:59:00Z',
      recordNumber: 1,
      errors: { ssn: ['Missing data for required field.'] },
    })
    assert.ok((await tick('2026-05-04T10:15:00Z')).includes('ingest-reporter-quarter-hour'))
    assert.deepEqual(await tick('2026-05-04T10:16:00Z'), [], 'the period already ran')
    await settle()
    const digests = received(from, (mail) => mail.subject.startsWith('License upload errors for Nebraska'))
    assert.equal(digests.length, 1)
    assert.deepEqual(digests[0]!.to, ['ops@ne.example.org'])
    assert.match(digests[0]!.text, /had 1 record\(s\) rejected by validation and 1 ingest failure/)
    assert.match(digests[0]!.text, /Record 3: dateOfBirth: Not a valid date\./)
    assert.match(digests[0]!.text, /Ingest failure: Unparseable CSV/)
    assert.doesNotMatch(digests[0]!.text, /Record 1/)
  })

  test('the weekly ingest reporter: uploads without errors → all is well; nothing → no license updates to jurisdiction and compact ops', async () => {
    const from = sink.messages.length
    await container().repositories.dataEvents.record(db(), 'license.ingest', {
      compact: 'aslp',
      jurisdiction: 'co',
      eventTime: '2026-05-07T12:00:00Z',
      providerId: randomUUID(),
      licenseType: 'audiologist',
    })
    assert.ok((await tick('2026-05-09T01:00:00Z')).includes('ingest-reporter-weekly'))
    await settle()
    const allIsWell = received(from, (mail) => mail.subject.includes('all is well'))
    assert.deepEqual(
      allIsWell.map((mail) => mail.to[0]),
      ['ops@co.example.org'],
    )
    const none = received(from, (mail) => mail.subject === 'No license updates from Ohio this week')
    assert.deepEqual(none.flatMap((mail) => mail.to).sort(), ['ops@aslp.example.org', 'ops@oh.example.org'])
    assert.match(none[0]!.text, /from 2026-05-02 to 2026-05-09/)
  })

  test('settlement collects settled batches into the transaction history, maps privileges, alerts on errors; reports are stored and mailed', async () => {
    const payments = container().services.payments
    const fake = (await payments.fake())!
    const processor = await payments.processor((await container().services.configuration.merchantCredentials('aslp'))!)
    const providerId = await givenProvider({ givenName: 'Settle' })
    const privilegeOh = await givenPrivilege(providerId, 'oh', '2045-01-31')
    const privilegeKy = await givenPrivilege(providerId, 'ky', '2045-01-31')
    const lineItems = [
      { itemId: 'priv:aslp-oh-slp', name: 'Ohio Compact Privilege', description: 'Compact Privilege for Ohio', quantity: 1, unitPrice: 5000 },
      { itemId: 'priv:aslp-ky-slp', name: 'Kentucky Compact Privilege', description: 'Compact Privilege for Kentucky', quantity: 1, unitPrice: 20000 },
      { itemId: 'aslp-compact-fee', name: 'ASLP Compact Fee', description: 'Compact fee applied for each privilege purchased', quantity: 2, unitPrice: 5050 },
      { itemId: 'credit-card-transaction-fee', name: 'Credit Card Transaction Fee', description: 'Transaction fee', quantity: 2, unitPrice: 500 },
    ]
    const charge = await processor.charge({ amount: 36100, opaqueData: { dataDescriptor: 'COMMON.ACCEPT.INAPP.PAYMENT', dataValue: `nonce-${randomUUID()}` }, order: { description: 'x' }, lineItems })
    await db()
      .insert(transactions)
      .values({ compact: 'aslp', transactionId: charge.transactionId, providerId, status: 'unsettled', amountCents: 36100, lineItems, privilegeIds: [privilegeOh, privilegeKy] })
    // A charge the app never recorded, settled with a general error: an alert.
    const stray = await processor.charge({
      amount: 1000,
      opaqueData: { dataDescriptor: 'COMMON.ACCEPT.INAPP.PAYMENT', dataValue: `nonce-${randomUUID()}` },
      order: { description: 'y' },
      lineItems: [{ itemId: 'x', name: 'x', description: 'x', quantity: 1, unitPrice: 1000 }],
    })
    fake.settle({ at: new Date('2026-06-02T23:10:00Z'), statusOf: { [stray.transactionId]: 'generalError' } })

    const from = sink.messages.length
    assert.ok((await tick('2026-06-03T02:00:00Z')).includes('settlement-collection'))
    const [history] = await db().select().from(transactionHistory).where(eq(transactionHistory.transactionId, charge.transactionId))
    assert.equal(history!.transactionStatus, 'settledSuccessfully')
    assert.equal(history!.providerId, providerId)
    assert.equal(history!.month, '2026-06')
    assert.deepEqual(history!.privileges.map((privilege) => privilege.privilegeId).sort(), [privilegeKy, privilegeOh].sort())
    const [recorded] = await db().select().from(transactions).where(eq(transactions.transactionId, charge.transactionId))
    assert.equal(recorded!.status, 'settledSuccessfully')
    await settle()
    const alerts = received(from, (mail) => mail.subject === 'Transaction settlement error in the Audiology and Speech Language Pathology compact')
    assert.deepEqual(
      alerts.map((mail) => mail.to[0]),
      ['ops@aslp.example.org'],
    )
    assert.match(alerts[0]!.text, new RegExp(`transaction ${stray.transactionId}: general error, no privileges recorded`))
    // The next run starts where this one ended: nothing is collected twice, nothing alerts again.
    const again = await container().services.settlement.collect('aslp', new Date('2026-06-04T02:00:00Z'))
    assert.deepEqual(again, { transactions: 0, problems: [] })

    // Monday 8 June 04:00: the week 30 May – 5 June.
    const reportsFrom = sink.messages.length
    assert.ok((await tick('2026-06-08T04:00:00Z')).includes('transaction-reports-weekly'))
    await settle()
    const folder = join(testApp.config.reportsDir, 'compact', 'aslp', 'reports')
    const compactZip = unzipSync(readFileSync(join(folder, 'compact-transactions', 'reporting-cycle', 'weekly', '2026', '06', '08', 'aslp-weekly-report-2026-05-30--2026-06-05.zip')))
    assert.deepEqual(Object.keys(compactZip).sort(), ['financial-summary-report-2026-05-30--2026-06-05.csv', 'transaction-detail-report-2026-05-30--2026-06-05.csv'])
    const detail = strFromU8(compactZip['transaction-detail-report-2026-05-30--2026-06-05.csv']!)
    assert.match(detail, new RegExp(`Settle,Quimby,${providerId},2026-06-02T23:10:00.000Z,OH,\\$50\\.00,\\$50\\.50,\\$5\\.00,${charge.transactionId},${privilegeOh},settledSuccessfully`))
    assert.match(detail, new RegExp(`UNKNOWN,UNKNOWN,UNKNOWN,2026-06-02T23:10:00.000Z,UNKNOWN,\\$0\\.00,\\$0\\.00,\\$0\\.00,${stray.transactionId},UNKNOWN,generalError`))
    const summary = strFromU8(compactZip['financial-summary-report-2026-05-30--2026-06-05.csv']!)
    assert.match(summary, /State Fees \(Ohio\),\$50\.00/)
    assert.match(summary, /State Fees \(Kentucky\),\$200\.00/)
    assert.match(summary, /Total Processed Amount,\$361\.00/)
    const kyZip = unzipSync(readFileSync(join(folder, 'jurisdiction-transactions', 'reporting-cycle', 'weekly', '2026', '06', '08', 'ky-weekly-report-2026-05-30--2026-06-05.zip')))
    const ky = strFromU8(kyZip['ky-transaction-detail-report-2026-05-30--2026-06-05.csv']!)
    assert.match(ky, new RegExp(`${privilegeKy}`))
    assert.match(ky, /Total State Amount,\$200\.00/)

    const compactMail = received(reportsFrom, (mail) => mail.subject.startsWith('Audiology and Speech Language Pathology weekly transaction report'))
    assert.deepEqual(
      compactMail.map((mail) => mail.to[0]),
      ['reports@aslp.example.org'],
    )
    assert.match(compactMail[0]!.raw, /filename="?aslp-weekly-report-2026-05-30--2026-06-05\.zip/)
    const jurisdictionMail = received(reportsFrom, (mail) => mail.subject.startsWith('Kentucky weekly privilege transaction report'))
    assert.deepEqual(
      jurisdictionMail.map((mail) => mail.to[0]),
      ['reports@ky.example.org'],
    )
    // `al` is configured but not live: no report; `octp` has no live jurisdiction: no report.
    assert.equal(received(reportsFrom, (mail) => mail.to.includes('reports@al.example.org') || mail.to.includes('reports@octp.example.org')).length, 0)

    // 3 June 02:00 monthly: May, which had no settlements — still a (zero) report.
    await tick('2026-06-03T02:00:30Z')
    const may = unzipSync(readFileSync(join(folder, 'compact-transactions', 'reporting-cycle', 'monthly', '2026', '06', '03', 'aslp-monthly-report-2026-05-01--2026-05-31.zip')))
    assert.match(strFromU8(may['financial-summary-report-2026-05-01--2026-05-31.csv']!), /Total Processed Amount,\$0\.00/)
  })

  test('expiration reminders: one e-mail per provider for privileges expiring in 30, 7 and 0 days, once per provider, date and window', async () => {
    const providerId = await givenProvider({ givenName: 'Remy' })
    // Run at 2026-07-01T04:00Z: today (UTC−4) is 2026-07-01.
    await givenPrivilege(providerId, 'oh', '2026-07-08')
    await givenPrivilege(providerId, 'ky', '2026-07-08')
    await givenPrivilege(providerId, 'ne', '2026-07-31')
    await givenPrivilege(providerId, 'co', '2026-07-09') // no reminder on this date
    await givenPrivilege(providerId, 'al', '2026-07-01', { administratorSetStatus: 'inactive' }) // deactivated: none
    const silent = await givenProvider({ email: null })
    await givenPrivilege(silent, 'oh', '2026-07-08') // no registered e-mail: none
    const from = sink.messages.length
    assert.ok((await tick('2026-07-01T04:00:00Z')).includes('privilege-expiration-reminders'))
    await settle()
    const mine = received(from, (mail) => mail.to.includes(`${providerId}@example.org`))
    assert.deepEqual(mine.map((mail) => mail.subject).sort(), ['Your compact privileges expire on 2026-07-08', 'Your compact privileges expire on 2026-07-31'])
    const week = mine.find((mail) => mail.subject.endsWith('2026-07-08'))!
    assert.match(week.text, /Hello Remy,/)
    assert.match(week.text, /- Kentucky speech-language pathologist/)
    assert.match(week.text, /- Ohio speech-language pathologist/)
    // Run again for the same day (e.g. a retried or re-started job): nothing new.
    assert.equal(await container().services.reports.expirationReminders(new Date('2026-07-01T04:05:00Z')), 2)
    while ((await container().jobs.drain()) > 0);
    await settle()
    assert.equal(received(from, (mail) => mail.to.includes(`${providerId}@example.org`)).length, 2)
  })

  test('events published on the bus without a recording producer land in data_events once, however often they are received', async () => {
    const events = testApp.app.compactConnect.events as unknown as { publish(name: string, payload: unknown): Promise<void> }
    const payload = { compact: 'aslp', jurisdiction: 'wy', providerId: randomUUID(), licenseType: 'slp', eventTime: '2026-07-02T10:00:00.000Z' }
    // The same event received twice (two processes on one Redis each receive every event).
    await events.publish('license.revert', payload)
    await events.publish('license.revert', { ...payload })
    await events.publish('privilege.revert', { ...payload, privilegeId: 'SLP-WY-1' })
    // Recorded by its producer, in its transaction: the bus copy is not recorded again.
    await events.publish('privilege.encumbrance', { ...payload, adverseActionId: randomUUID() })
    const rows = async () =>
      (await db().select({ eventType: dataEvents.eventType, detail: dataEvents.detail, expiresAt: dataEvents.expiresAt }).from(dataEvents).where(eq(dataEvents.jurisdiction, 'wy'))).sort((a, b) =>
        a.eventType.localeCompare(b.eventType),
      )
    for (let attempt = 0; attempt < 100 && (await rows()).length < 2; attempt++) await new Promise((resolve) => setTimeout(resolve, 20))
    await new Promise((resolve) => setTimeout(resolve, 100))
    const recorded = await rows()
    assert.deepEqual(
      recorded.map((row) => row.eventType),
      ['license.revert', 'privilege.revert'],
    )
    assert.equal(recorded[0]!.detail.providerId, payload.providerId)
    assert.equal(recorded[0]!.expiresAt.toISOString(), '2027-07-03T10:00:00.000Z')
  })

  test('data events: purchases and other events are recorded; the daily purge deletes only expired ones', async () => {
    const recorder = container().repositories.dataEvents
    await recorder.record(db(), 'privilege.encumbrance', { compact: 'aslp', jurisdiction: 'ky', eventTime: '2025-01-01T00:00:00Z', providerId: 'x' }) // expires 2026-01-02
    await recorder.record(db(), 'license.validation-error', { compact: 'aslp', jurisdiction: 'ky', eventTime: '2026-07-01T00:00:00Z', recordNumber: 1, errors: {} }) // expires 2026-09-29
    await recorder.record(db(), 'provider.homeJurisdictionChange', { compact: 'aslp', jurisdiction: 'ky', eventTime: '2026-07-01T00:00:00Z' })
    const kinds = async () =>
      (await db().select({ eventType: dataEvents.eventType, eventTime: dataEvents.eventTime }).from(dataEvents).where(eq(dataEvents.jurisdiction, 'ky'))).map((row) => row.eventType).sort()
    assert.deepEqual(await kinds(), ['license.validation-error', 'privilege.encumbrance'])
    assert.ok((await tick('2026-08-01T03:30:00Z')).includes('data-events-purge'))
    assert.deepEqual(await kinds(), ['license.validation-error'])
    assert.equal((await db().select().from(providers).where(eq(providers.givenName, 'Remy'))).length, 1)
  })
})
