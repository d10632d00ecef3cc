import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { gql, headerFixtures, startDevmarkt, type Devmarkt, type HeaderFixtures } from './helpers.ts'

let app: Devmarkt
let headers: HeaderFixtures
before(async () => {
  app = await startDevmarkt()
  headers = await headerFixtures()
})
after(() => app.close())

const admin = (query: string, variables?: Record<string, unknown>) => gql(app, query, { auth: headers.admin, variables })
const TEMPLATE = '... on Template { name questions { number question multiline minAnswerLength } } ... on Failure { errors { code data { ... on NumberTemplateErrorData { number } } } }'
const q = (number: number, question: string, extra: Record<string, unknown> = {}) => ({ number, question, multiline: false, minAnswerLength: 1, ...extra })

describe('reading', () => {
  test('templates are sorted by name in code-unit order, questions by number', async () => {
    await admin('mutation { createTemplate(name: "apprentice", questions: [{question: "B", number: 1, multiline: false}, {question: "A", number: 0, multiline: true}]) { __typename } }')
    const { body } = await gql(app, '{ templates { name questions { number question } } }', { auth: headers.user })
    assert.deepEqual(
      body.data!.templates.map((t: { name: string }) => t.name),
      ['Dev offered', 'Dev searched', 'Empty template', 'apprentice'], // upper case sorts before lower case
    )
    assert.deepEqual(body.data!.templates[3].questions, [
      { number: 0, question: 'A' },
      { number: 1, question: 'B' },
    ])
    await admin('mutation { deleteTemplate(name: "apprentice") }')
  })

  test('template(name) returns the enabled template or NOT_FOUND', async () => {
    const found = await gql(app, `{ template(name: "Dev offered") { ${TEMPLATE} } }`, { auth: headers.user })
    assert.deepEqual(found.body.data!.template.questions[2], { number: 2, question: 'Why should you choose me?', multiline: true, minAnswerLength: 500 })
    const missing = await gql(app, `{ template(name: "Nope") { ${TEMPLATE} } }`, { auth: headers.user })
    assert.deepEqual(missing.body, { data: { template: { errors: [{ code: 'NOT_FOUND', data: null }] } } })
  })

  test('an invalid TemplateName is a request error with no data', async () => {
    const long = 'x'.repeat(41)
    for (const name of [long, '   ', '']) {
      const { status, body } = await gql(app, `{ template(name: ${JSON.stringify(name)}) { __typename } }`, { auth: headers.user })
      assert.equal(status, 200)
      assert.equal(body.data, null)
      assert.equal(body.errors!.length, 1)
      const viaVariable = await gql(app, 'query ($name: TemplateName!) { template(name: $name) { __typename } }', { auth: headers.user, variables: { name } })
      assert.equal(viaVariable.body.data, null)
      assert.match(viaVariable.body.errors![0].message, /TemplateName/)
    }
    const forty = 'x'.repeat(40)
    const ok = await gql(app, `{ template(name: "${forty}") { __typename } }`, { auth: headers.user })
    assert.deepEqual(ok.body, { data: { template: { __typename: 'Failure' } } })
  })
})

describe('createTemplate', () => {
  test('stores the numbers exactly as given and ignores updateAction', async () => {
    const { body } = await admin(`mutation ($questions: [QuestionInput!]!) { createTemplate(name: "Numbers", questions: $questions) { ${TEMPLATE} } }`, {
      questions: [q(1, 'Only', { updateAction: 'DELETE', multiline: true, minAnswerLength: 5 })],
    })
    assert.deepEqual(body.data!.createTemplate, { name: 'Numbers', questions: [{ number: 1, question: 'Only', multiline: true, minAnswerLength: 5 }] })
  })

  test('minAnswerLength defaults to 1', async () => {
    const { body } = await admin(`mutation { createTemplate(name: "Defaults", questions: [{question: "Q", number: 0, multiline: false}]) { ${TEMPLATE} } }`)
    assert.equal(body.data!.createTemplate.questions[0].minAnswerLength, 1)
  })

  test('an enabled name gives DUPLICATED (alone, before number checks)', async () => {
    const { body } = await admin(`mutation ($questions: [QuestionInput!]!) { createTemplate(name: "Dev offered", questions: $questions) { ${TEMPLATE} } }`, {
      questions: [q(0, 'a'), q(0, 'b')],
    })
    assert.deepEqual(body.data!.createTemplate, { errors: [{ code: 'DUPLICATED', data: null }] })
  })

  test('each duplicated number gives one AMBIGUOUS_NUMBER, ascending', async () => {
    const { body } = await admin(`mutation ($questions: [QuestionInput!]!) { createTemplate(name: "Ambiguous", questions: $questions) { ${TEMPLATE} } }`, {
      questions: [q(3, 'a'), q(1, 'b'), q(3, 'c'), q(1, 'd'), q(3, 'e'), q(0, 'f')],
    })
    assert.deepEqual(body.data!.createTemplate, {
      errors: [
        { code: 'AMBIGUOUS_NUMBER', data: { number: 1 } },
        { code: 'AMBIGUOUS_NUMBER', data: { number: 3 } },
      ],
    })
    const check = await admin('{ template(name: "Ambiguous") { __typename } }')
    assert.equal(check.body.data!.template.__typename, 'Failure')
  })
})

describe('deleteTemplate', () => {
  test('disables the template, frees the name, and keeps applications on the old version', async () => {
    assert.deepEqual((await admin('mutation { deleteTemplate(name: "Dev offered") }')).body, { data: { deleteTemplate: true } })
    assert.deepEqual((await admin('mutation { deleteTemplate(name: "Dev offered") }')).body, { data: { deleteTemplate: false } })
    const application = await admin('{ application(id: 4) { ... on Application { template { name questions { question } } } } }')
    assert.deepEqual(application.body.data!.application.template.name, 'Dev offered')
    assert.equal(application.body.data!.application.template.questions.length, 3)
    const reused = await admin(`mutation { createTemplate(name: "Dev offered", questions: [{question: "New", number: 0, multiline: false}]) { ${TEMPLATE} } }`)
    assert.equal(reused.body.data!.createTemplate.name, 'Dev offered')
    const again = await admin('{ application(id: 4) { ... on Application { template { questions { question } } } } }')
    assert.equal(again.body.data!.application.template.questions.length, 3)
  })
})

describe('updateTemplate', () => {
  test('NOT_FOUND for a name with no enabled template', async () => {
    const { body } = await admin(`mutation { updateTemplate(name: "Nope", updated: {questions: []}) { ${TEMPLATE} } }`)
    assert.deepEqual(body.data!.updateTemplate, { errors: [{ code: 'NOT_FOUND', data: null }] })
  })

  test('all four actions together (the original QA case)', async () => {
    const { body } = await admin(`mutation ($updated: TemplateInput!) { updateTemplate(name: "Dev searched", updated: $updated) { ${TEMPLATE} } }`, {
      updated: {
        name: 'All updated',
        questions: [
          q(2, 'Inserted question', { updateAction: 'INSERT' }),
          q(10, 'Appended question', { updateAction: 'APPEND', multiline: true }),
          q(0, 'ignored', { updateAction: 'DELETE' }),
          q(2, 'Replaced question', { updateAction: 'REPLACE', minAnswerLength: 44 }),
          q(1, 'no action: skipped'),
          q(99, 'out of range: skipped', { updateAction: 'REPLACE' }),
        ],
      },
    })
    assert.deepEqual(body.data!.updateTemplate, {
      name: 'All updated',
      questions: [
        { number: 0, question: 'Why should you join us?', multiline: true, minAnswerLength: 100 },
        { number: 1, question: 'Inserted question', multiline: false, minAnswerLength: 1 },
        { number: 2, question: 'Replaced question', multiline: false, minAnswerLength: 44 },
        { number: 3, question: 'Custom text:', multiline: true, minAnswerLength: 30 },
        { number: 4, question: 'Appended question', multiline: true, minAnswerLength: 1 },
      ],
    })
    const old = await admin('{ template(name: "Dev searched") { __typename } }')
    assert.equal(old.body.data!.template.__typename, 'Failure')
  })

  test('renaming onto an existing enabled name gives DUPLICATED and leaves the old version enabled', async () => {
    const { body } = await admin(`mutation { updateTemplate(name: "Empty template", updated: {name: "All updated", questions: []}) { ${TEMPLATE} } }`)
    assert.deepEqual(body.data!.updateTemplate, { errors: [{ code: 'DUPLICATED', data: null }] })
    const still = await admin(`{ template(name: "Empty template") { ${TEMPLATE} } }`)
    assert.deepEqual(still.body.data!.template, { name: 'Empty template', questions: [] })
  })

  test('keeps the name when none is given, and has no question limit', async () => {
    const appended = Array.from({ length: 30 }, (_, i) => q(0, `Q${i}`, { updateAction: 'APPEND' }))
    const { body } = await admin(`mutation ($updated: TemplateInput!) { updateTemplate(name: "Empty template", updated: $updated) { ${TEMPLATE} } }`, {
      updated: { questions: appended },
    })
    assert.equal(body.data!.updateTemplate.name, 'Empty template')
    assert.equal(body.data!.updateTemplate.questions.length, 30)
    assert.deepEqual(body.data!.updateTemplate.questions[29], { number: 29, question: 'Q29', multiline: false, minAnswerLength: 1 })
  })
})
