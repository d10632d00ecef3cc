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

const question = (number: number, extra: Record<string, unknown> = {}) => ({ question: `Q${number}`, number, multiline: false, ...extra })
const CREATE_TEMPLATE = 'mutation ($questions: [QuestionInput!]!) { createTemplate(name: "Validated", questions: $questions) { __typename } }'

function constraints(body: { errors?: { extensions: { classification: { type: string; validatedPath: unknown[]; constraint: string } } }[] }) {
  return (body.errors ?? []).map((error) => {
    assert.equal(error.extensions.classification.type, 'ExtendedValidationError')
    return [error.extensions.classification.constraint, error.extensions.classification.validatedPath]
  })
}

describe('validation directives ("return null": field null, one error per violation, resolver not run)', () => {
  test('@ContainerSize(min: 1, max: 25) on createTemplate questions', async () => {
    const none = await gql(app, CREATE_TEMPLATE, { auth: headers.admin, variables: { questions: [] } })
    assert.deepEqual(none.body.data, { createTemplate: null })
    assert.deepEqual(constraints(none.body), [['@ContainerSize', ['questions']]])
    const many = await gql(app, CREATE_TEMPLATE, { auth: headers.admin, variables: { questions: Array.from({ length: 26 }, (_, i) => question(i)) } })
    assert.deepEqual(constraints(many.body), [['@ContainerSize', ['questions']]])
    const max = await gql(app, CREATE_TEMPLATE, { auth: headers.admin, variables: { questions: Array.from({ length: 25 }, (_, i) => question(i)) } })
    assert.deepEqual(max.body, { data: { createTemplate: { __typename: 'Template' } } })
  })

  test('@NotBlank, @Size(1..256) and @Range(1..1024) on questions: every violation reported with its path and location', async () => {
    const { body } = await gql(app, CREATE_TEMPLATE.replace('Validated', 'Other'), {
      auth: headers.admin,
      variables: { questions: [question(0, { question: '  ' }), question(1, { question: 'x'.repeat(257), minAnswerLength: 0 }), question(2, { minAnswerLength: 1025 })] },
    })
    assert.deepEqual(body.data, { createTemplate: null })
    assert.deepEqual(constraints(body), [
      ['@NotBlank', ['questions', 0, 'question']],
      ['@Size', ['questions', 1, 'question']],
      ['@Range', ['questions', 1, 'minAnswerLength']],
      ['@Range', ['questions', 2, 'minAnswerLength']],
    ])
    for (const error of body.errors!) {
      assert.deepEqual(error.path, ['createTemplate'])
      assert.equal(error.locations.length, 1)
      assert.equal(typeof error.message, 'string')
    }
    const check = await gql(app, '{ template(name: "Other") { __typename } }', { auth: headers.admin })
    assert.equal(check.body.data!.template.__typename, 'Failure') // the resolver did not run
  })

  test('limits are inclusive: 256-character question, minAnswerLength 1 and 1024', async () => {
    const { body } = await gql(app, CREATE_TEMPLATE.replace('Validated', 'Edges'), {
      auth: headers.admin,
      variables: { questions: [question(0, { question: 'x'.repeat(256), minAnswerLength: 1 }), question(1, { minAnswerLength: 1024 })] },
    })
    assert.deepEqual(body, { data: { createTemplate: { __typename: 'Template' } } })
  })

  test('answers: @NotBlank and @Size(1..1024) on create and update', async () => {
    const create = await gql(app, 'mutation ($answers: [AnswerInput!]!) { createApplication(templateName: "Dev offered", answers: $answers) { __typename } }', {
      auth: headers.user,
      variables: {
        answers: [
          { number: 0, answer: 'x'.repeat(1025) },
          { number: 1, answer: ' ' },
          { number: 2, answer: 'x'.repeat(1024) },
        ],
      },
    })
    assert.deepEqual(create.body.data, { createApplication: null })
    assert.deepEqual(constraints(create.body), [
      ['@Size', ['answers', 0, 'answer']],
      ['@NotBlank', ['answers', 1, 'answer']],
    ])
    const update = await gql(app, 'mutation { updateApplication(id: 4, updatedAnswers: [{number: 0, answer: ""}]) { __typename } }', { auth: headers.user })
    assert.deepEqual(update.body.data, { updateApplication: null })
    assert.deepEqual(constraints(update.body), [
      ['@NotBlank', ['updatedAnswers', 0, 'answer']],
      ['@Size', ['updatedAnswers', 0, 'answer']],
    ])
  })

  test('validation of one field leaves its siblings alone', async () => {
    const { body } = await gql(
      app,
      'mutation { a: createUser(userId: {type: "", number: 1}, role: USER) { __typename } b: createUser(userId: {type: "fine", number: 1}, role: USER) { __typename } }',
      {
        auth: headers.admin,
      },
    )
    assert.deepEqual(body.data, { a: null, b: { __typename: 'User' } })
    assert.equal(body.errors!.length, 1)
  })

  test('scalar rules: NonNegativeInt refuses -1, ApplicationId refuses a string, PositiveInt is checked on output', async () => {
    for (const document of [
      'mutation { createApplication(templateName: "Dev offered", answers: [{number: -1, answer: "x"}]) { __typename } }',
      '{ application(id: "1") { __typename } }',
      '{ application(id: 2147483648) { __typename } }',
    ]) {
      const { status, body } = await gql(app, document, { auth: headers.admin })
      assert.equal(status, 200)
      assert.ok(body.errors!.length >= 1)
      assert.ok(!body.data || Object.values(body.data).every((value) => value === null))
    }
  })
})

describe('the compiled path (mercurius jit compiles a document on its second use)', () => {
  test('answers exactly as the interpreted first run: validation, auth errors, unions, Long', async () => {
    const cases: [string, string | undefined, Record<string, unknown> | undefined][] = [
      ['mutation ($a: [AnswerInput!]!) { createApplication(templateName: "Dev offered", answers: $a) { __typename } }', headers.admin, { a: [{ number: 0, answer: ' ' }] }],
      ['{ roles templates { name } }', headers.user, undefined],
      ['{ roles templates { name } }', undefined, undefined],
      [
        'query ($id: ApplicationId!) { application(id: $id) { ... on Failure { errors { code data { __typename } } } ... on Application { id user { id { type number } } } } }',
        headers.second_user,
        { id: 4 },
      ],
      ['query ($u: UserIdInput!) { user(id: $u) { ... on User { id { number } } } }', headers.admin, { u: { type: 'testuser', number: '2' } }],
      [
        'mutation ($q: [QuestionInput!]!) { createTemplate(name: "Jit", questions: $q) { ... on Failure { errors { code data { ... on NumberTemplateErrorData { number } } } } } }',
        headers.admin,
        { q: [question(0), question(0)] },
      ],
    ]
    for (const [document, auth, variables] of cases) {
      const runs = []
      for (let run = 0; run < 3; run++) runs.push((await gql(app, document, { auth, variables })).body)
      assert.deepEqual(runs[1], runs[0], document)
      assert.deepEqual(runs[2], runs[0], document)
    }
  })
})
