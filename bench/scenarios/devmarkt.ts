// Devmarkt: the `templates` list and one `application(id:)` over GraphQL, on the QA seed plus
// 10,000 extra applications (30,000 answers, 1,000 extra users), against Apollo Server + Express.
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { signHs256 } from '@hearth/kernel'
import { dropSchema, repositoryRoot, withClient } from '../lib/environment.ts'
import { nodeServer, packageVersion, type Scenario } from '../lib/scenario.ts'
import { freePort } from '../lib/servers.ts'
import type { Operation } from '../lib/load.ts'

const SCHEMA = 'devmarkt'
const EXTRA_USERS = 1_000

const templatesQuery = 'query Templates { templates { name questions { question number multiline minAnswerLength } } }'
const applicationQuery = `query Application($id: ApplicationId!) {
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

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message)
}

const noErrors = (body: unknown) => {
  const errors = (body as { errors?: unknown[] }).errors
  assert(errors === undefined || errors.length === 0, `GraphQL errors: ${JSON.stringify(errors)}`)
}

/** Inserts the extra users, applications and answers with plain SQL, after the QA seed. */
async function insertExtraApplications(databaseUrl: string, extraApplications: number): Promise<{ applicationId: number; owner: string }> {
  return withClient(databaseUrl, async (client) => {
    await client.query(`SET search_path TO ${SCHEMA}`)
    await client.query('BEGIN')
    await client.query(`INSERT INTO users (id_type, user_id, role) SELECT 'benchuser', g, 'USER' FROM generate_series(1, $1::int) g`, [EXTRA_USERS])
    await client.query(
      `INSERT INTO applications (status, user_id, template_id)
       SELECT (ARRAY['ACCEPTED', 'REJECTED', 'UNPROCESSED'])[1 + g % 3]::application_status, u.id, t.id
         FROM generate_series(1, $1::int) g
         JOIN users u ON u.id_type = 'benchuser' AND u.user_id = 1 + g % $2::int
         CROSS JOIN (SELECT id FROM templates WHERE name = 'Dev offered' AND enabled) t
        ORDER BY g`,
      [extraApplications, EXTRA_USERS],
    )
    await client.query(
      `INSERT INTO answers (number, answer, question_id, application_id)
       SELECT q.number, 'Benchmark answer ' || q.number || ' of application ' || a.id, q.id, a.id
         FROM applications a
         JOIN users u ON u.id = a.user_id AND u.id_type = 'benchuser'
         JOIN questions q ON q.template_id = a.template_id
        ORDER BY a.id, q.number`,
    )
    await client.query('COMMIT')
    await client.query('ANALYZE')
    const counts = await client.query<{ applications: string; answers: string }>('SELECT (SELECT count(*) FROM applications) AS applications, (SELECT count(*) FROM answers) AS answers')
    const middle = await client.query<{ id: number; owner: string }>(
      `SELECT a.id, u.id_type || ':' || u.user_id AS owner FROM applications a JOIN users u ON u.id = a.user_id
        WHERE u.id_type = 'benchuser' ORDER BY a.id OFFSET $1 LIMIT 1`,
      [Math.floor(extraApplications / 2)],
    )
    console.log(`[bench] devmarkt: ${counts.rows[0]!.applications} applications, ${counts.rows[0]!.answers} answers`)
    return { applicationId: middle.rows[0]!.id, owner: middle.rows[0]!.owner }
  })
}

const scenario: Scenario = {
  name: 'devmarkt',
  title: 'Devmarkt (GraphQL) vs Apollo Server + Express',
  sizes: { values: [1_000, 10_000], unit: 'applications' },
  async prepare(settings, extraApplications = 10_000) {
    const jwtSecret = randomBytes(36).toString('base64url')
    const reader = await signHs256({ sub: 'testuser:2' }, jwtSecret, { expiresIn: '6h' })
    const templates: Operation = {
      name: 'templates',
      method: 'POST',
      path: '/graphql',
      headers: { authorization: `Self ${reader}`, 'content-type': 'application/json' },
      body: JSON.stringify({ operationName: 'Templates', query: templatesQuery }),
      check(body) {
        noErrors(body)
        const list = (body as { data?: { templates?: { name: string; questions: unknown[] }[] } }).data?.templates
        assert(Array.isArray(list) && list.length === 3, 'expected the three enabled QA templates')
        assert(
          list.every((template) => typeof template.name === 'string' && Array.isArray(template.questions)),
          'template shape',
        )
        assert(list.reduce((sum, template) => sum + template.questions.length, 0) === 7, 'expected 7 questions in all')
      },
    }
    const application: Operation = {
      name: 'application(id:)',
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json' }, // the owner's token is set once the data exists
      body: '',
      check(body) {
        noErrors(body)
        const value = (body as { data?: { application?: { __typename: string; answers: unknown[]; user: unknown } } }).data?.application
        assert(value?.__typename === 'Application', 'expected an Application, not a Failure')
        assert(value.answers.length === 3 && value.user !== null, 'expected three answers and the owner')
      },
    }

    await dropSchema(settings.databaseUrl, SCHEMA)
    const hearthPort = await freePort()
    const peerPort = await freePort()
    const common = { DATABASE_URL: settings.databaseUrl, DEVMARKT_AUTH_JWTSECRET: jwtSecret }
    const cacheOffPort = await freePort()
    const hearthServer = (target: string, port: number, env: Record<string, string>) =>
      nodeServer(
        target,
        `Devmarkt (\`apps/devmarkt/src/server.ts\`: Fastify ${packageVersion('fastify')} + mercurius ${packageVersion('mercurius')} on the Hearth kernel, pg pool of 10, ` +
          `HEARTH_ENV=qa, LOG_LEVEL=warn, RESPONSE_VALIDATION=false as in production, ` +
          (env.DEVMARKT_CACHE_TTL_MS === '0' ? 'caches **off** (`DEVMARKT_CACHE_TTL_MS=0`): every request reads PostgreSQL)' : 'caller, template and row caches on, 5 s TTL, cleared on every change)'),
        join(repositoryRoot, 'apps/devmarkt/src/server.ts'),
        port,
        {
          ...common,
          HEARTH_ENV: 'qa',
          SEED: 'none',
          LOG_LEVEL: 'warn',
          RESPONSE_VALIDATION: 'false',
          DATA_DIR: join(settings.workDir, `devmarkt-data-${target}`),
          PORT: String(port),
          DEVMARKT_PORT: String(port),
          ...env,
        },
        '/health',
      )
    return {
      setup: [
        `Data: PostgreSQL database \`${new URL(settings.databaseUrl).pathname.slice(1)}\`, schema \`${SCHEMA}\`, migrated by Devmarkt at start, ` +
          `the QA seed loaded through \`POST /qa/seedDatabase\`, then ${extraApplications.toLocaleString('en-US')} extra applications ` +
          `(template "Dev offered", 3 answers each) for ${EXTRA_USERS.toLocaleString('en-US')} extra users inserted by SQL, then \`ANALYZE\`.`,
        '',
        `Operations (\`POST /graphql\`, \`Authorization: Self <HS256 JWT>\`): **templates** = \`${templatesQuery}\` as \`testuser:2\` (role USER); ` +
          `**application(id:)** = one application from the middle of the extra rows with its status, owner, template with questions and ` +
          `answers with their questions, as its owner (the ownership check runs).`,
      ],
      operations: [templates, application],
      hearth: hearthServer('hearth', hearthPort, {}),
      variants: [hearthServer('hearth-cache-off', cacheOffPort, { DEVMARKT_CACHE_TTL_MS: '0' })],
      async afterHearthStart(server) {
        const seeded = await fetch(`${server.url}/qa/seedDatabase`, { method: 'POST' })
        if (!seeded.ok) throw new Error(`POST /qa/seedDatabase answered ${seeded.status}: ${await seeded.text()}`)
        const { applicationId, owner } = await insertExtraApplications(settings.databaseUrl, extraApplications)
        const token = await signHs256({ sub: owner }, jwtSecret, { expiresIn: '6h' })
        application.headers = { authorization: `Self ${token}`, 'content-type': 'application/json' }
        application.body = JSON.stringify({ operationName: 'Application', query: applicationQuery, variables: { id: applicationId } })
        console.log(`[bench] devmarkt: application(id: ${applicationId}) as ${owner}`)
      },
      peer: nodeServer(
        'peer',
        `Apollo Server ${packageVersion('@apollo/server')} + @as-integrations/express5 ${packageVersion('@as-integrations/express5')} on Express ${packageVersion('express')} (\`bench/peers/apollo\`: resolvers over pg ${packageVersion('pg')} with a pool of 10, jose for the JWT, NODE_ENV=production)`,
        join(repositoryRoot, 'bench/peers/apollo/server.ts'),
        peerPort,
        { ...common, DATABASE_SCHEMA: SCHEMA, PORT: String(peerPort) },
        '/health',
      ),
      targets: [
        { maxPeakRssMiB: 250 }, // issue 12: one app on a PostgreSQL server under the benchmark load
        { operation: 'templates', versus: 'peer', minimum: 3 },
        { operation: 'templates', versus: 'ceiling', minimum: 0.4 },
        { operation: 'templates', maxP99Ms: 25 },
        { operation: 'application(id:)', versus: 'peer', minimum: 5 },
        { operation: 'application(id:)', versus: 'ceiling', minimum: 0.4 },
        { operation: 'application(id:)', maxP99Ms: 25 },
      ],
      notes: [
        'What differs between the two (they answer the same JSON): Devmarkt keeps the caller (token subject → user row) and ' +
          "the enabled templates in in-process caches, cleared in every process through the kernel's event bus when a user's " +
          'role or a template changes, with a 5 s time-to-live as a safety net (`DEVMARKT_CACHE_TTL_MS`); so in the steady state ' +
          'its `templates` touches PostgreSQL only when the TTL expires. The peer does what most Apollo code does: it verifies ' +
          'the HS256 signature (jose) and reads the user row on every request, and reads the templates and then their questions ' +
          "(two queries). Devmarkt runs graphql-jit (mercurius `jit: 1`), Apollo graphql-js. For `application(id:)` Devmarkt's " +
          'request loaders look in its row caches first (applications, their answers, users and templates by id, evicted in every ' +
          'process when one changes), so a repeated read touches no database either; the peer reads the application, its owner, ' +
          'template and answers on every request. The `hearth-cache-off` row is Devmarkt with all of its caches off.',
      ],
    }
  },
}

export default scenario
