import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startRaise, eventually, type RaiseTestContext, NATIONAL, LOCAL_GROUP } from './helpers.ts'
import { DEMO_GROUP_ID, NATIONAL_ADMIN_EMAIL } from '../seeds/demo.ts'

let ctx: RaiseTestContext
let slack: Server
const slackMessages: string[] = []
let team: string
before(async () => {
  slack = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => (body += chunk))
    request.on('end', () => {
      slackMessages.push(JSON.parse(body).text)
      response.writeHead(200).end('ok')
    })
  })
  await new Promise<void>((resolve) => slack.listen(0, '127.0.0.1', resolve))
  ctx = await startRaise({ seed: true, env: { SLACK_WEBHOOK_URL: `http://127.0.0.1:${(slack.address() as AddressInfo).port}/hook` } })
  team = await ctx.token([DEMO_GROUP_ID], 'team@example.com')
})
after(async () => {
  await ctx.close()
  slack.close()
})

describe('groups', () => {
  test('any admin lists; National creates and renames; an unknown id is 404', async () => {
    const list = await ctx.request('GET', '/admin/groups', { token: team })
    assert.equal(list.status, 200)
    assert.deepEqual(list.body.map((group: { name: string }) => group.name).sort(), ['Demo', 'National', 'NationalTech'])
    assert.equal((await ctx.request('POST', '/admin/groups', { token: team, body: { name: 'x' } })).status, 403)
    const created = await ctx.request('POST', '/admin/groups', { body: { name: 'Oxford' } })
    assert.equal(created.status, 200)
    assert.equal((await ctx.request('PATCH', `/admin/groups/${created.body}`, { body: { name: 'Oxford 2026' } })).status, 204)
    assert.equal((await ctx.request('PATCH', `/admin/groups/${created.body}`, { token: team, body: { name: 'no' } })).status, 403)
    const unknown = await ctx.request('PATCH', '/admin/groups/01H0000000000000000000000Z', { body: { name: 'x' } })
    assert.deepEqual([unknown.status, unknown.body.message], [404, 'group not found'])
    const audit = (await ctx.request('GET', `/admin/audit-logs/by-object/${created.body}`)).body
    assert.deepEqual(
      audit.map((entry: { action: string }) => entry.action),
      ['edit', 'create'],
    )
  })
})

describe('users', () => {
  test('only National lists, creates and edits users; creation can email the new user', async () => {
    assert.equal((await ctx.request('GET', '/admin/users', { token: team })).status, 403)
    const national = await ctx.token([NATIONAL], NATIONAL_ADMIN_EMAIL)
    const created = await ctx.request('POST', '/admin/users', {
      token: national,
      body: { name: 'New Person', email: 'new.person@example.com', groups: [DEMO_GROUP_ID], securityTrainingCompletedAt: 1700000000, sendAccountCreationEmail: true },
    })
    assert.equal(created.status, 200)
    const mail = await ctx.smtp.waitFor((message) => message.to.includes('new.person@example.com'))
    assert.equal(mail.subject, 'Your account has been created!')
    assert.match(mail.fromHeader, /Raise National \(via Raise National\)|Raise National via Raise National/)
    assert.match(mail.text, /Hi New Person/)
    assert.match(mail.text, /\/admin with your email, new\.person@example\.com/)
    const users = (await ctx.request('GET', '/admin/users', { token: national })).body
    const user = users.find((candidate: { id: string }) => candidate.id === created.body)
    assert.equal(user.sendAccountCreationEmail, true)
    assert.equal((await ctx.request('PATCH', `/admin/users/${created.body}`, { token: national, body: { name: 'Renamed' } })).status, 204)
    assert.equal((await ctx.request('PATCH', `/admin/users/${created.body}`, { token: team, body: { name: 'x' } })).status, 403)
    assert.equal((await ctx.request('PATCH', '/admin/users/01H0000000000000000000000Z', { token: national, body: { name: 'x' } })).status, 404)
    const missing = await ctx.request('POST', '/admin/users', { token: national, body: { name: 'No email' } })
    assert.equal(missing.status, 400)
  })
})

describe('audit logs', () => {
  test('only National reads them, by object (newest first) and by subject', async () => {
    assert.equal((await ctx.request('GET', '/admin/audit-logs/by-object/x', { token: team })).status, 403)
    assert.equal((await ctx.request('GET', '/admin/audit-logs/by-subject/tests', { token: team })).status, 403)
    await ctx.request('POST', '/admin/groups', { body: { name: 'Audited' } })
    const bySubject = (await ctx.request('GET', '/admin/audit-logs/by-subject/tests')).body
    assert.ok(bySubject.length > 0)
    assert.ok(bySubject.every((entry: { subject: string }) => entry.subject === 'tests'))
    for (let i = 1; i < bySubject.length; i++) assert.ok(bySubject[i - 1].at >= bySubject[i].at)
    assert.equal(bySubject[0].routeRaw, 'POST /admin/groups')
    assert.equal(bySubject[0].sourceIp, '127.0.0.1')
  })
})

describe('tasks', () => {
  test('lists the tasks the caller may run', async () => {
    assert.equal((await ctx.request('GET', '/admin/tasks')).body.length, 6)
    assert.deepEqual((await ctx.request('GET', '/admin/tasks', { token: team })).body, [])
  })

  test('unknown tasks are 404; refused runs are audited before the group check', async () => {
    assert.deepEqual((await ctx.request('POST', '/admin/tasks/01H0000000000000000000000Z')).body, { message: 'task not found' })
    const refused = await ctx.request('POST', '/admin/tasks/01G33RD8YDEYHQF3DZFJ5ZWDFH', { token: await ctx.token([LOCAL_GROUP], 'curious@example.com') })
    assert.equal(refused.status, 403)
    const audit = (await ctx.request('GET', '/admin/audit-logs/by-object/01G33RD8YDEYHQF3DZFJ5ZWDFH')).body
    assert.equal(audit[0].action, 'run')
    assert.equal(audit[0].subject, 'curious@example.com')
  })

  test('Slack test message, stack trace, group initialisation (409 once they exist) and sample emails', async () => {
    assert.equal((await ctx.request('POST', '/admin/tasks/01FQWSP20Y4TD3N6WZY0YSBDPN')).status, 204)
    await eventually(() => slackMessages.some((text) => text.includes('Test message')))
    assert.equal((await ctx.request('POST', '/admin/tasks/01G33RD8YDEYHQF3DZFJ5ZWDFH')).status, 204)
    assert.equal((await ctx.request('POST', '/admin/tasks/01GPY6CSHMD09C16H417C8SVBB')).status, 409)
    assert.equal((await ctx.request('POST', '/admin/tasks/01H6HY9VN4N085956S09NP1GSC')).status, 204)
    const confirmation = await ctx.smtp.waitFor((message) => message.subject === "We've received your donation" && message.to.includes('raisedemo@gmail.com'))
    assert.match(confirmation.text, /protect 72 people/) // £9 weekly × 3, £9 match funding each, Gift Aid: floor(0.0119988 × (2700 × 1.25 + 2700))
    assert.match(confirmation.text, /Total future Gift Aid to be added: £4\.50/)
    assert.equal((await ctx.request('POST', '/admin/tasks/01H7DWQ77TZG31E8E1ADWVA15W')).status, 204)
    await ctx.smtp.waitFor((message) => message.subject === 'Your account has been created!' && message.to.includes('raisedemo@gmail.com'))
  })

  test('refused requests post a Slack alert when SLACK_WEBHOOK_URL is set', async () => {
    await ctx.request('GET', '/admin/users', { token: team })
    await eventually(() => slackMessages.some((text) => text.startsWith('🔒 403 on GET /admin/users')))
  })
})
