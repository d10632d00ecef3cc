import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createMailer, readMailSettings, safeDisplayName } from '../src/mail/index.ts'
import { startSmtpSink } from '../src/testing/smtp-sink/index.ts'

test('messages go over SMTP to the sink with recipients, subject and both bodies', async () => {
  const sink = await startSmtpSink()
  const mailer = createMailer(readMailSettings({ SMTP_URL: sink.url }, { fromAddress: 'noreply@example.org', fromName: 'Example' }))
  try {
    await mailer.send({
      to: 'donor@example.org',
      from: { name: 'Raise <Demo>!', address: 'national@example.org' },
      subject: 'Thanks — £12.34 received',
      text: 'You gave £12.34. '.repeat(20),
      html: '<p>You gave <b>£12.34</b></p>',
    })
    const mail = await sink.waitFor((candidate) => candidate.to.includes('donor@example.org'))
    assert.equal(mail.from, 'national@example.org')
    assert.equal(mail.subject, 'Thanks — £12.34 received')
    assert.match(mail.fromHeader, /Raise Demo/)
    assert.match(mail.text, /You gave £12\.34\. You gave/)
    assert.match(mail.html, /<b>£12\.34<\/b>/)
  } finally {
    mailer.close()
    await sink.close()
  }
})

test('without SMTP_URL the mailer logs instead of sending', async () => {
  const logged: unknown[] = []
  const mailer = createMailer(readMailSettings({}, { fromAddress: 'a@example.org', fromName: 'A' }), { info: (object) => void logged.push(object) })
  assert.equal(mailer.delivering, false)
  await mailer.send({ to: 'x@example.org', subject: 'Hi', text: 'hello', html: '<p>hello</p>' })
  assert.equal(logged.length, 1)
})

test('display names lose anything that is not a letter, digit or space', () => {
  assert.equal(safeDisplayName('  "Raise" <Demo> 2022!  '), 'Raise Demo 2022')
})
