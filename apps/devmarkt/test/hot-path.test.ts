import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { gql, headerFixtures, startDevmarkt, UNAUTHORIZED, type Devmarkt, type HeaderFixtures } from './helpers.ts'

// The shortcuts of the hot path (lazy loaders, synchronous cached questions, variables coerced a
// second time only when an input object is involved) keep answers identical, interpreted or compiled.
let app: Devmarkt
let headers: HeaderFixtures
before(async () => {
  app = await startDevmarkt()
  headers = await headerFixtures()
})
after(() => app.close())

const runs = [1, 2, 3] // mercurius' jit compiles a document on its second use

test('an input-object variable still gets its field defaults (minAnswerLength = 1), compiled too', async () => {
  for (const run of runs) {
    const { body } = await gql(
      app,
      'mutation ($name: TemplateName!, $questions: [QuestionInput!]!) { createTemplate(name: $name, questions: $questions) { ... on Template { questions { minAnswerLength } } } }',
      { auth: headers.admin, variables: { name: `Defaults ${run}`, questions: [{ question: 'Q', number: 0, multiline: false }] } },
    )
    assert.deepEqual(body, { data: { createTemplate: { questions: [{ minAnswerLength: 1 }] } } })
  }
  for (const run of runs) await gql(app, `mutation { deleteTemplate(name: "Defaults ${run}") }`, { auth: headers.admin })
})

test('a scalar variable (application($id)) is coerced and checked as before, compiled too', async () => {
  const document = 'query Application($id: ApplicationId!) { application(id: $id) { __typename ... on Application { id user { id { type number } } template { name } answers { number } } } }'
  for (const _ of runs) {
    const own = await gql(app, document, { auth: headers.admin, variables: { id: 1 } })
    assert.equal(own.body.errors, undefined)
    assert.equal(own.body.data!.application.__typename, 'Application')
    assert.equal(own.body.data!.application.id, 1)
    const bad = await gql(app, document, { auth: headers.admin, variables: { id: 'x' } })
    assert.equal(bad.body.data ?? null, null)
    assert.equal(bad.body.errors!.length, 1)
    const anonymous = await gql(app, document, { variables: { id: 1 } })
    assert.deepEqual(anonymous.body, { data: { application: null }, errors: [UNAUTHORIZED] })
  }
})

test('templates with and without questions, compiled too', async () => {
  for (const _ of runs) {
    const names = await gql(app, '{ templates { name } }', { auth: headers.user })
    assert.deepEqual(names.body, { data: { templates: [{ name: 'Dev offered' }, { name: 'Dev searched' }, { name: 'Empty template' }] } })
    const full = await gql(app, '{ templates { name questions { number } } }', { auth: headers.user })
    assert.deepEqual(
      full.body.data!.templates.map((t: { questions: unknown[] }) => t.questions.length),
      [3, 4, 0],
    )
  }
})

test('every field of an application answers the same text interpreted and compiled (plain fields have no resolver)', async () => {
  const document = `query Application($id: ApplicationId!) {
    application(id: $id) {
      __typename
      ... on Application {
        id processTime status
        user { id { type number } role }
        template { name questions { question number multiline minAnswerLength } }
        answers { number answer question { question number multiline minAnswerLength } }
      }
      ... on Failure { errors { code } }
    }
  }`
  const texts: string[] = []
  for (const _ of runs) texts.push((await gql(app, document, { auth: headers.admin, variables: { id: 1 } })).text)
  const answer = JSON.parse(texts[0]!)
  assert.equal(answer.errors, undefined)
  assert.equal(answer.data.application.__typename, 'Application')
  assert.ok(answer.data.application.answers.length > 0)
  assert.ok(answer.data.application.answers.every((item: { question: { question: unknown } }) => typeof item.question.question === 'string'))
  assert.deepEqual(texts.slice(1), [texts[0], texts[0]])
})
