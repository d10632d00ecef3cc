// The Devmarkt peer: what most Node teams would build — Apollo Server 5 on Express 5 via
// @as-integrations/express5, resolvers over `pg`, the JWT checked with jose. It serves the two
// benchmarked operations (`templates`, `application(id:)`) over Devmarkt's own tables with the same
// auth rules (Self header, HS256 token, user looked up on every request, role and ownership checks).
// Straightforward code, but no N+1: a template list loads all its questions in one query.
//
// Env: PORT, DATABASE_URL, DATABASE_SCHEMA (default devmarkt), DEVMARKT_AUTH_JWTSECRET.
import express from 'express'
import { ApolloServer } from '@apollo/server'
import { expressMiddleware } from '@as-integrations/express5'
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql'
import { jwtVerify } from 'jose'
import pg from 'pg'
import { readEnvironment, EnvReader } from '@hearth/kernel'

const env = new EnvReader(readEnvironment())
const port = env.int('PORT', 8105)
const schema = env.string('DATABASE_SCHEMA', 'devmarkt')!
const secret = new TextEncoder().encode(env.requiredString('DEVMARKT_AUTH_JWTSECRET'))
const pool = new pg.Pool({
  connectionString: env.requiredString('DATABASE_URL'),
  max: 10,
  options: `-c search_path=${schema}`,
})

const typeDefs = /* GraphQL */ `
  scalar TemplateName
  scalar NonNegativeInt
  scalar PositiveInt
  scalar ApplicationId
  scalar Long
  scalar DateTime

  enum ApplicationStatus {
    UNPROCESSED
    REJECTED
    ACCEPTED
  }
  enum Role {
    USER
    ADMIN
    NONE
  }

  type Template {
    name: TemplateName!
    questions: [Question!]!
  }
  type Question {
    question: String!
    number: NonNegativeInt!
    multiline: Boolean!
    minAnswerLength: PositiveInt!
  }
  type Application {
    id: ApplicationId!
    processTime: DateTime
    status: ApplicationStatus!
    user: User!
    template: Template!
    answers: [Answer!]!
  }
  type Answer {
    number: NonNegativeInt!
    answer: String!
    question: Question!
  }
  type UserId {
    type: String!
    number: Long
  }
  type User {
    id: UserId!
    role: Role!
  }
  type Failure {
    errors: [Error!]!
  }
  type Error {
    code: String!
  }
  union ApplicationResponse = Application | Failure

  type Query {
    templates: [Template!]
    application(id: ApplicationId!): ApplicationResponse
  }
`

const nonNegativeInt = (name: string, minimum: number) =>
  new GraphQLScalarType({
    name,
    serialize: (value) => value,
    parseValue: (value) => {
      if (!Number.isInteger(value) || (value as number) < minimum || (value as number) > 2147483647) {
        throw new GraphQLError(`${name} must be an integer ≥ ${minimum}`)
      }
      return value
    },
    parseLiteral: (node) => {
      if (node.kind !== Kind.INT || Number(node.value) < minimum) throw new GraphQLError(`${name} must be an integer ≥ ${minimum}`)
      return Number(node.value)
    },
  })

interface UserRow {
  id: number
  id_type: string
  user_id: string
  role: 'ADMIN' | 'USER' | 'NONE'
}
interface QuestionRow {
  id: number
  template_id: number
  number: number
  question: string
  multiline: boolean
  min_answer_length: number
}
interface ApplicationRow {
  id: number
  process_time: string | null
  status: string
  user_id: number
  template_id: number
}
interface Context {
  user: UserRow | undefined
}

const questionView = (row: QuestionRow) => ({
  question: row.question,
  number: row.number,
  multiline: row.multiline,
  minAnswerLength: row.min_answer_length,
})

function requireRole(context: Context, role: 'USER' | 'ADMIN', field: string): UserRow {
  const user = context.user
  if (!user) throw new GraphQLError('No or invalid authentication found.', { extensions: { classification: 'UNAUTHORIZED' } })
  if (user.role !== role && user.role !== 'ADMIN') {
    throw new GraphQLError(`You're forbidden to use 'Query' @ '${field}'.`, { extensions: { classification: 'FORBIDDEN' } })
  }
  return user
}

async function questionsOf(templateIds: number[]): Promise<Map<number, ReturnType<typeof questionView>[]>> {
  const { rows } = await pool.query<QuestionRow>('SELECT id, template_id, number, question, multiline, min_answer_length FROM questions WHERE template_id = ANY($1) ORDER BY template_id, number', [
    templateIds,
  ])
  const byTemplate = new Map<number, ReturnType<typeof questionView>[]>(templateIds.map((id) => [id, []]))
  for (const row of rows) byTemplate.get(row.template_id)!.push(questionView(row))
  return byTemplate
}

const resolvers = {
  TemplateName: new GraphQLScalarType({ name: 'TemplateName' }),
  NonNegativeInt: nonNegativeInt('NonNegativeInt', 0),
  PositiveInt: nonNegativeInt('PositiveInt', 1),
  ApplicationId: nonNegativeInt('ApplicationId', 0),
  DateTime: new GraphQLScalarType({ name: 'DateTime', serialize: (value) => (value instanceof Date ? value.toISOString() : value) }),
  Long: new GraphQLScalarType({ name: 'Long', serialize: (value) => Number(value) }),
  ApplicationResponse: {
    __resolveType: (value: { errors?: unknown }) => (value.errors ? 'Failure' : 'Application'),
  },
  Query: {
    async templates(_parent: unknown, _args: unknown, context: Context) {
      requireRole(context, 'USER', 'templates')
      const { rows } = await pool.query<{ id: number; name: string }>('SELECT id, name FROM templates WHERE enabled')
      const questions = await questionsOf(rows.map((row) => row.id))
      // Devmarkt's order: by name in plain code-unit order (Java's String.compareTo).
      rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      return rows.map((row) => ({ name: row.name, questions: questions.get(row.id) }))
    },
    async application(_parent: unknown, args: { id: number }, context: Context) {
      const user = requireRole(context, 'USER', 'application')
      const { rows } = await pool.query<ApplicationRow>('SELECT id, process_time, status, user_id, template_id FROM applications WHERE id = $1', [args.id])
      const row = rows[0]
      if (!row || (user.role !== 'ADMIN' && row.user_id !== user.id)) return { errors: [{ code: 'NOT_FOUND' }] }
      return row
    },
  },
  Application: {
    processTime: (row: ApplicationRow) => row.process_time,
    async user(row: ApplicationRow) {
      const { rows } = await pool.query<UserRow>('SELECT id, id_type, user_id, role FROM users WHERE id = $1', [row.user_id])
      const user = rows[0]!
      return { id: { type: user.id_type, number: user.user_id }, role: user.role }
    },
    async template(row: ApplicationRow) {
      const { rows } = await pool.query<{ id: number; name: string }>('SELECT id, name FROM templates WHERE id = $1', [row.template_id])
      const questions = await questionsOf([row.template_id])
      return { name: rows[0]!.name, questions: questions.get(row.template_id) }
    },
    async answers(row: ApplicationRow) {
      const { rows } = await pool.query<QuestionRow & { answer_number: number; answer: string }>(
        `SELECT a.number AS answer_number, a.answer, q.id, q.template_id, q.number, q.question, q.multiline, q.min_answer_length
           FROM answers a JOIN questions q ON q.id = a.question_id
          WHERE a.application_id = $1 ORDER BY a.number`,
        [row.id],
      )
      return rows.map((answer) => ({ number: answer.answer_number, answer: answer.answer, question: questionView(answer) }))
    },
  },
}

const subjectPattern = /^[a-zA-Z]+:[0-9]+$/

/** `Self <jwt>`: verify the HS256 token, then look its subject up; anything else is no user. */
async function authenticate(header: string | undefined): Promise<UserRow | undefined> {
  if (!header?.startsWith('Self ')) return undefined
  try {
    const { payload } = await jwtVerify(header.slice(5), secret, { algorithms: ['HS256'] })
    if (typeof payload.sub !== 'string' || !subjectPattern.test(payload.sub)) return undefined
    const [type, number] = payload.sub.split(':') as [string, string]
    const { rows } = await pool.query<UserRow>('SELECT id, id_type, user_id, role FROM users WHERE id_type = $1 AND user_id = $2', [type, number])
    return rows[0]
  } catch {
    return undefined
  }
}

const server = new ApolloServer<Context>({ typeDefs, resolvers })
await server.start()

const app = express()
app.get('/health', (_request, response) => {
  response.json({ status: 'UP' })
})
app.use('/graphql', express.json(), expressMiddleware(server, { context: async ({ req }) => ({ user: await authenticate(req.headers.authorization) }) }))
const listener = app.listen(port, '127.0.0.1')
const stop = () => {
  listener.close()
  void server
    .stop()
    .then(() => pool.end())
    .then(() => process.exit(0))
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
