import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { gql, headerFixtures, jwt, startDevmarkt, type Devmarkt, type HeaderFixtures } from './helpers.ts'
import { LONG_ANSWER } from '../seeds/qa.ts'

let app: Devmarkt
let headers: HeaderFixtures
before(async () => {
  app = await startDevmarkt()
  headers = await headerFixtures()
})
after(() => app.close())

const RESULT = `... on Application { id status processTime answers { number answer question { question } } template { name } user { id { type number } } }
  ... on Failure { errors { code data {
    ... on NumberApplicationErrorData { number }
    ... on AnswerTooShortApplicationErrorData { answerLength minimumLength number }
    ... on TooLargeErrorData { size } } } }`
const CREATE = `mutation ($template: TemplateName!, $answers: [AnswerInput!]!) { createApplication(templateName: $template, answers: $answers) { ${RESULT} } }`
const UPDATE = `mutation ($id: ApplicationId!, $answers: [AnswerInput!]!) { updateApplication(id: $id, updatedAnswers: $answers) { ${RESULT} } }`
const a = (number: number, answer: string) => ({ number, answer })
const valid = () => [a(0, 'Me'), a(1, 'TypeScript'), a(2, 'x'.repeat(500))]

async function asNewUser(name: string) {
  const auth = `Foreign ${await jwt('internal:1')} ${name}`
  return (query: string, variables?: Record<string, unknown>) => gql(app, query, { auth, variables })
}

describe('the seed', () => {
  test('application 1 as the fixtures show it', async () => {
    const { body } = await gql(app, `{ application(id: 1) { ${RESULT} } }`, { auth: headers.admin })
    assert.deepEqual(body.data!.application, {
      id: 1,
      status: 'UNPROCESSED',
      processTime: null,
      answers: [
        { number: 0, answer: 'Lorem ipsum dolor sit amet, co N0', question: { question: 'Who am I?' } },
        { number: 1, answer: 'Lorem ipsum dolor sit amet, co N1', question: { question: 'What programming language do I know?' } },
        { number: 2, answer: LONG_ANSWER, question: { question: 'Why should you choose me?' } },
      ],
      template: { name: 'Dev offered' },
      user: { id: { type: 'testuser', number: 1 } },
    })
    assert.equal(LONG_ANSWER.length, 506)
    assert.ok(LONG_ANSWER.endsWith('\n N2'))
  })

  test("the third answer is byte for byte the original fixture's 506-character text (spec §6.1)", async () => {
    // Written out here, apart from the seed's constant, as the spec quotes it (a JSON string).
    const fixture =
      '"Lorem ipsum dolor sit amet, consetetur sadipscing elitr, sed diam nonumy eirmod tempor invidunt ut labore\\net dolore magna aliquyam erat, sed diam voluptua. At vero eos et accusam et justo duo dolores et ea rebum. Stet c\\nlita kasd gubergren, no sea takimata sanctus est Lorem ipsum dolor sit amet. Lorem ipsum dolor sit amet, consetetur sadipscing elitr, se\\nd diam nonumy eirmod tempor invidunt ut labore et dolore magna aliquyam erat, sed diam voluptua. At vero eos et accusam et justo duo dolores et e\\n N2"'
    const expected = JSON.parse(fixture) as string
    assert.equal(expected.length, 506)
    assert.equal(LONG_ANSWER, expected)
    for (const id of [1, 3, 4]) {
      const { body, text } = await gql(app, `{ application(id: ${id}) { ... on Application { answers { answer } } } }`, { auth: headers.admin })
      assert.equal(body.data!.application.answers[2].answer, expected, `application ${id}`)
      assert.equal(body.data!.application.answers[2].answer.length, 506)
      assert.ok(text.includes(fixture), `application ${id}: the JSON on the wire holds the fixture's string as written`)
    }
  })

  test("User.applications in the fixtures' order, and the current (UNPROCESSED) application", async () => {
    const query = (n: number) => `{ user(id: {type: "testuser", number: ${n}}) { ... on User { role applications { id status } currentApplication { id } } } }`
    const one = await gql(app, query(1), { auth: headers.admin })
    assert.deepEqual(one.body.data!.user, {
      role: 'NONE',
      applications: [
        { id: 1, status: 'UNPROCESSED' },
        { id: 3, status: 'REJECTED' },
        { id: 2, status: 'ACCEPTED' },
      ],
      currentApplication: { id: 1 },
    })
    const two = await gql(app, query(2), { auth: headers.admin })
    assert.deepEqual(two.body.data!.user, {
      role: 'USER',
      applications: [
        { id: 4, status: 'ACCEPTED' },
        { id: 5, status: 'REJECTED' },
      ],
      currentApplication: null,
    })
  })
})

describe('createApplication', () => {
  test('HAS_UNPROCESSED_APPLICATION comes first, alone', async () => {
    const { body } = await gql(app, CREATE, { auth: headers.second_user, variables: { template: 'Nope', answers: [a(5, 'x')] } })
    assert.deepEqual(body, { data: { createApplication: { errors: [{ code: 'HAS_UNPROCESSED_APPLICATION', data: null }] } } })
  })

  test('TEMPLATE_NOT_FOUND for a missing or disabled template', async () => {
    const call = await asNewUser('tnf:1')
    assert.deepEqual((await call(CREATE, { template: 'Nope', answers: [] })).body.data!.createApplication, { errors: [{ code: 'TEMPLATE_NOT_FOUND', data: null }] })
    await gql(app, 'mutation { createTemplate(name: "Short-lived", questions: [{question: "Q", number: 0, multiline: false}]) { __typename } }', { auth: headers.admin })
    await gql(app, 'mutation { deleteTemplate(name: "Short-lived") }', { auth: headers.admin })
    assert.deepEqual((await call(CREATE, { template: 'Short-lived', answers: [a(0, 'x')] })).body.data!.createApplication, { errors: [{ code: 'TEMPLATE_NOT_FOUND', data: null }] })
  })

  test('collects TOO_LARGE, then per-answer errors in input order, then unanswered questions', async () => {
    const call = await asNewUser('collect:1')
    const { body } = await call(CREATE, {
      template: 'Dev offered',
      answers: [a(2, 'short'), a(7, 'nowhere'), a(0, 'x'.repeat(1024)), a(0, 'again'), a(0, 'third'), ...Array.from({ length: 5 }, () => a(1, 'y'.repeat(1024)))],
    })
    assert.deepEqual(body.data!.createApplication, {
      errors: [
        { code: 'TOO_LARGE', data: { size: 11 + 9 + 36 + 25 + 5 + 7 + 1024 + 5 + 5 + 5 * 1024 } },
        { code: 'ANSWER_TOO_SHORT', data: { answerLength: 5, minimumLength: 500, number: 2 } },
        { code: 'NO_QUESTION', data: { number: 7 } },
        { code: 'AMBIGUOUS_ANSWER_NUMBER', data: { number: 0 } },
        { code: 'AMBIGUOUS_ANSWER_NUMBER', data: { number: 1 } },
        { code: 'QUESTION_UNANSWERED', data: { number: 2 } },
      ],
    })
  })

  test('a third copy of a number already reported falls through to the other checks (as the original)', async () => {
    const call = await asNewUser('third:1')
    const { body } = await call(CREATE, { template: 'Dev offered', answers: [a(0, 'one'), a(0, 'two'), a(0, 'three')] })
    assert.deepEqual(
      body.data!.createApplication.errors.map((e: { code: string }) => e.code),
      ['AMBIGUOUS_ANSWER_NUMBER', 'QUESTION_UNANSWERED', 'QUESTION_UNANSWERED'],
    )
  })

  test('ANSWER_TOO_SHORT counts UTF-16 code units and does not trim', async () => {
    const call = await asNewUser('short:1')
    const { body } = await call(CREATE, { template: 'Dev offered', answers: [a(0, 'a'), a(1, 'b'), a(2, ' '.repeat(250) + '😀'.repeat(124))] })
    assert.deepEqual(body.data!.createApplication, {
      errors: [
        { code: 'ANSWER_TOO_SHORT', data: { answerLength: 498, minimumLength: 500, number: 2 } },
        { code: 'QUESTION_UNANSWERED', data: { number: 2 } },
      ],
    })
  })

  test('a valid application is stored as UNPROCESSED with the next id, and an empty template takes no answers', async () => {
    const call = await asNewUser('valid:1')
    const { body } = await call(CREATE, { template: 'Dev offered', answers: valid() })
    assert.equal(body.data!.createApplication.status, 'UNPROCESSED')
    assert.equal(body.data!.createApplication.processTime, null)
    assert.deepEqual(
      body.data!.createApplication.answers.map((x: { number: number }) => x.number),
      [0, 1, 2],
    )
    const id = body.data!.createApplication.id
    assert.ok(id >= 7)
    const other = await asNewUser('valid:2')
    const empty = await other(CREATE, { template: 'Empty template', answers: [] })
    assert.equal(empty.body.data!.createApplication.id, id + 1)
    const second = await call(CREATE, { template: 'Empty template', answers: [] })
    assert.deepEqual(second.body.data!.createApplication, { errors: [{ code: 'HAS_UNPROCESSED_APPLICATION', data: null }] })
  })

  test('a refused create consumes no id', async () => {
    const call = await asNewUser('noid:1')
    await call(CREATE, { template: 'Dev offered', answers: [] })
    const first = await call(CREATE, { template: 'Empty template', answers: [] })
    const other = await asNewUser('noid:2')
    const second = await other(CREATE, { template: 'Empty template', answers: [] })
    assert.equal(second.body.data!.createApplication.id, first.body.data!.createApplication.id + 1)
  })
})

describe('updateApplication', () => {
  test('NOT_FOUND, ALREADY_ACCEPTED', async () => {
    assert.deepEqual((await gql(app, UPDATE, { auth: headers.admin, variables: { id: 999, answers: [] } })).body.data!.updateApplication, { errors: [{ code: 'NOT_FOUND', data: null }] })
    assert.deepEqual((await gql(app, UPDATE, { auth: headers.user, variables: { id: 4, answers: [] } })).body.data!.updateApplication, { errors: [{ code: 'ALREADY_ACCEPTED', data: null }] })
  })

  test('checks answers like create but without the unanswered check; a partial list is fine', async () => {
    const refused = await gql(app, UPDATE, { auth: headers.admin, variables: { id: 3, answers: [a(2, 'too short'), a(9, 'none'), a(0, 'x'), a(0, 'y')] } })
    assert.deepEqual(refused.body.data!.updateApplication, {
      errors: [
        { code: 'ANSWER_TOO_SHORT', data: { answerLength: 9, minimumLength: 500, number: 2 } },
        { code: 'NO_QUESTION', data: { number: 9 } },
        { code: 'AMBIGUOUS_ANSWER_NUMBER', data: { number: 0 } },
      ],
    })
    const { body } = await gql(app, UPDATE, { auth: headers.admin, variables: { id: 3, answers: [a(1, 'Kotlin')] } })
    assert.equal(body.data!.updateApplication.status, 'REJECTED') // the status stays
    assert.deepEqual(
      body.data!.updateApplication.answers.map((x: { answer: string }) => x.answer),
      ['Lorem ipsum dolor sit amet, co N0', 'Kotlin', LONG_ANSWER],
    )
  })

  test('TOO_LARGE applies to updates too (the size of the application as it would be stored)', async () => {
    const { body } = await gql(app, UPDATE, { auth: headers.admin, variables: { id: 1, answers: [a(0, 'x'.repeat(1024)), a(1, 'y'.repeat(1024)), a(2, 'z'.repeat(1024))] } })
    assert.equal(body.data!.updateApplication.status, 'UNPROCESSED') // 11 + 70 + 3072 is within the limit
    const grow = await gql(
      app,
      'mutation { createTemplate(name: "Big", questions: [' + Array.from({ length: 6 }, (_, i) => `{question: "Q${i}", number: ${i}, multiline: false}`).join(',') + ']) { __typename } }',
      { auth: headers.admin },
    )
    assert.equal(grow.body.data!.createTemplate.__typename, 'Template')
    const call = await asNewUser('big:1')
    const created = await call(CREATE, { template: 'Big', answers: Array.from({ length: 6 }, (_, i) => a(i, 'a')) })
    const id = created.body.data!.createApplication.id
    const tooLarge = await call(UPDATE, { id, answers: Array.from({ length: 6 }, (_, i) => a(i, 'b'.repeat(1000))) })
    assert.deepEqual(tooLarge.body.data!.updateApplication, { errors: [{ code: 'TOO_LARGE', data: { size: 3 + 12 + 6000 } }] })
  })
})

describe('processApplication and deleteApplication', () => {
  test('UNPROCESSED is refused; a change sets processTime (RFC 3339 with offset); the same status again is false', async () => {
    const process = (id: number, status: string) => gql(app, `mutation { processApplication(id: ${id}, status: ${status}) }`, { auth: headers.admin })
    assert.deepEqual((await process(6, 'UNPROCESSED')).body, { data: { processApplication: false } })
    assert.deepEqual((await process(999, 'ACCEPTED')).body, { data: { processApplication: false } })
    assert.deepEqual((await process(6, 'REJECTED')).body, { data: { processApplication: true } })
    assert.deepEqual((await process(6, 'REJECTED')).body, { data: { processApplication: false } })
    assert.deepEqual((await process(6, 'ACCEPTED')).body, { data: { processApplication: true } }) // re-processing on purpose
    const { body } = await gql(app, '{ application(id: 6) { ... on Application { status processTime } } }', { auth: headers.admin })
    assert.equal(body.data!.application.status, 'ACCEPTED')
    assert.match(body.data!.application.processTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/)
    assert.ok(Math.abs(Date.parse(body.data!.application.processTime) - Date.now()) < 60_000)
  })

  test('the owner deletes any status; a second delete is false', async () => {
    assert.deepEqual((await gql(app, 'mutation { deleteApplication(id: 5) }', { auth: headers.user })).body, { data: { deleteApplication: true } })
    assert.deepEqual((await gql(app, 'mutation { deleteApplication(id: 5) }', { auth: headers.user })).body, { data: { deleteApplication: false } })
    assert.deepEqual((await gql(app, 'mutation { deleteApplication(id: 5) }', { auth: headers.admin })).body, { data: { deleteApplication: false } })
  })
})
