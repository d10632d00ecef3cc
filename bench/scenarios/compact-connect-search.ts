// CompactConnect's search API (§2.8) on PostgreSQL: the web app's name search — `match_phrase_prefix` on the
// family name, sorted by `familyName.keyword`, 25 a page — over 100,000 providers, against the bare-Fastify
// ceiling. The plan PostgreSQL chose is recorded with EXPLAIN (ANALYZE, BUFFERS). No peer: the original's
// OpenSearch cluster cannot run here.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { PgDialect } from 'drizzle-orm/pg-core'
import { dropSchema, repositoryRoot, withClient } from '../lib/environment.ts'
import { nodeServer, packageVersion, type ExtraResult, type Scenario } from '../lib/scenario.ts'
import { freePort } from '../lib/servers.ts'
import type { Operation } from '../lib/load.ts'
import { orderBy, parseSort, translateQuery } from '../../apps/compact-connect/src/modules/search/query-translator.ts'
import { today } from '../../apps/compact-connect/src/domain/dates.ts'

// Its own schema, so this scenario and the ingest scenario (`compact_connect`) never drop each other's data.
const SCHEMA = 'compact_connect_search'
const PROVIDERS = 100_000
/** One provider in ten holds a privilege. */
const PRIVILEGE_EVERY = 10
const PAGE = 25
/** S3 of the QA seed (§9.6): `profile aslp/readGeneral`. */
const STAFF_SUB = 'e0000000-0000-4000-8000-000000000003'
// Family names are three syllables out of twenty (8,000 names, some accented); the query names a first
// syllable plus two letters, so about one provider in 200 matches, spread over the alphabet.
const SYLLABLES = ['mar', 'bé', 'lin', 'ost', 'ka', 'ren', 'dol', 'vi', 'san', 'tor', 'ell', 'gu', 'pra', 'nes', 'hol', 'ric', 'fa', 'zé', 'quin', 'wat']
const PREFIX = 'Marbé'
const SEARCH = { query: { bool: { must: [{ match_phrase_prefix: { familyName: PREFIX } }] } }, size: PAGE, sort: [{ 'familyName.keyword': { order: 'asc' } }] }

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message)
}

const fold = (value: string) => value.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()

/** 100,000 providers in `aslp`, each with its license, one in ten with a privilege; then ANALYZE. */
async function insertProviders(databaseUrl: string): Promise<number> {
  return withClient(databaseUrl, async (client) => {
    await client.query(`SET search_path TO ${SCHEMA}, public`)
    await client.query('BEGIN')
    await client.query(
      `CREATE TEMP TABLE bench_people ON COMMIT DROP AS
       SELECT n, ('b0000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid AS id,
              initcap(($1::text[])[(n % 20) + 1] || ($1::text[])[((n / 20) % 20) + 1] || ($1::text[])[((n / 400) % 20) + 1]) AS family,
              initcap(($1::text[])[((n / 7) % 20) + 1] || ($1::text[])[((n / 3) % 20) + 1]) AS given,
              (ARRAY['oh','ky','co','ne','al','tx','ca','ny'])[(n % 8) + 1] AS home
         FROM generate_series(1, $2::int) AS n`,
      [SYLLABLES, PROVIDERS],
    )
    await client.query(
      `INSERT INTO providers (provider_id, compact, license_jurisdiction, jurisdiction_uploaded_license_status, jurisdiction_uploaded_compact_eligibility,
         encumbered_status, ssn_last_four, npi, given_name, family_name, date_of_expiration, date_of_birth, privilege_jurisdictions,
         current_home_jurisdiction, birth_month_day, provider_fam_giv_mid, provider_date_of_update, date_of_update)
       SELECT id, 'aslp', home, 'active', 'eligible', 'unencumbered', lpad((n % 10000)::text, 4, '0'), (2000000000 + n)::text, given, family,
              DATE '2030-01-01' + (n % 3000), DATE '1960-01-01' + (n % 15000),
              CASE WHEN n % $1::int = 0 THEN ARRAY[CASE WHEN home = 'co' THEN 'ky' ELSE 'co' END] ELSE ARRAY[]::text[] END,
              home, to_char(DATE '1960-01-01' + (n % 15000), 'MM-DD'), lower(family) || '#' || lower(given) || '#',
              timestamptz '2026-01-01 00:00:00+00' + n * interval '1 second', timestamptz '2026-01-01 00:00:00+00' + n * interval '1 second'
         FROM bench_people`,
      [PRIVILEGE_EVERY],
    )
    await client.query(
      `INSERT INTO licenses (provider_id, compact, jurisdiction, license_type, license_number, npi, ssn_last_four, given_name, family_name,
         date_of_issuance, date_of_renewal, date_of_expiration, date_of_birth, home_address_street1, home_address_city, home_address_state,
         home_address_postal_code, email_address, license_status_name, jurisdiction_uploaded_license_status, jurisdiction_uploaded_compact_eligibility,
         encumbered_status, first_upload_date, date_of_update)
       SELECT id, 'aslp', home, 'speech-language pathologist', upper(home) || '-SLP-' || n, (2000000000 + n)::text, lpad((n % 10000)::text, 4, '0'),
              given, family, DATE '2015-01-01' + (n % 2000), DATE '2024-01-01' + (n % 300), DATE '2030-01-01' + (n % 3000), DATE '1960-01-01' + (n % 15000),
              n || ' Bench Street', 'Benchville', upper(home), '43004', 'p' || n || '@example.net', 'ACTIVE', 'active', 'eligible', 'unencumbered',
              timestamptz '2026-01-01 00:00:00+00', timestamptz '2026-01-01 00:00:00+00' + n * interval '1 second'
         FROM bench_people`,
    )
    await client.query(
      `INSERT INTO privileges (provider_id, compact, jurisdiction, license_jurisdiction, license_type, date_of_issuance, date_of_renewal,
         date_of_expiration, compact_transaction_id, privilege_id, administrator_set_status, encumbered_status, date_of_update)
       SELECT id, 'aslp', CASE WHEN home = 'co' THEN 'ky' ELSE 'co' END, home, 'speech-language pathologist',
              timestamptz '2025-06-01 12:00:00+00' + n * interval '1 minute', timestamptz '2025-06-01 12:00:00+00' + n * interval '1 minute',
              DATE '2030-01-01' + (n % 3000), (130000000000 + n)::text, 'SLP-BENCH-' || n, 'active', 'unencumbered',
              timestamptz '2026-01-01 00:00:00+00'
         FROM bench_people WHERE n % $1::int = 0`,
      [PRIVILEGE_EVERY],
    )
    await client.query('COMMIT')
    await client.query('ANALYZE')
    const matches = await client.query<{ count: number }>(`SELECT count(*)::int AS count FROM providers WHERE compact = 'aslp' AND family_name LIKE 'Marbé%'`)
    return matches.rows[0]!.count
  })
}

/** EXPLAIN (ANALYZE, BUFFERS) of the two statements a search runs (the page and the capped total), as the app builds them. */
async function explainSearch(databaseUrl: string): Promise<{ notes: string[]; problems: string[] }> {
  const dialect = new PgDialect()
  const { where, nameSearch } = translateQuery(SEARCH.query, { today: today() })
  const condition = dialect.sqlToQuery(where)
  const order = dialect.sqlToQuery(orderBy(parseSort(SEARCH.sort), { nameSearch })).sql
  // The translator numbers its parameters from $1; the compact comes after them.
  const compact = `$${condition.params.length + 1}`
  const page = `SELECT pr.* FROM providers pr WHERE pr.compact = ${compact} AND ${condition.sql} ORDER BY ${order} LIMIT ${PAGE}`
  const total = `SELECT count(*) FROM (SELECT 1 FROM providers pr WHERE pr.compact = ${compact} AND ${condition.sql} LIMIT 10001) matches`
  return withClient(databaseUrl, async (client) => {
    await client.query(`SET search_path TO ${SCHEMA}, public`)
    const notes: string[] = []
    const problems: string[] = []
    for (const [label, text] of [
      ['page', page],
      ['total', total],
    ] as const) {
      const plan = (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, [...condition.params, 'aslp'])).rows.map((row) => row['QUERY PLAN'])
      const usesTrigram = plan.some((line) => line.includes('providers_search_family_name_trgm_idx'))
      const execution = plan.find((line) => line.startsWith('Execution Time'))
      notes.push(
        `EXPLAIN (ANALYZE, BUFFERS) of the ${label} statement: ${usesTrigram ? 'uses' : '**does not use**'} the trigram index \`providers_search_family_name_trgm_idx\`; ${execution ?? ''}.`,
        '',
        '```',
        ...plan,
        '```',
        '',
      )
      if (!usesTrigram) problems.push(`the ${label} statement does not use the trigram index`)
    }
    return { notes, problems }
  })
}

const uptime = () => {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim()
  } catch {
    return 'uptime unavailable'
  }
}

const scenario: Scenario = {
  name: 'compact-connect-search',
  title: 'CompactConnect search API (name search over 100,000 providers) vs the bare-Fastify ceiling',
  async prepare(settings) {
    let expected = 0
    const search: Operation = {
      name: `POST /v1/compacts/aslp/providers/search (match_phrase_prefix familyName "${PREFIX}", ${PAGE} a page)`,
      method: 'POST',
      path: '/v1/compacts/aslp/providers/search',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(SEARCH),
      // 10 connections, the app's pool size: more only queue in the app (p50 then measures the queue, and on this
      // shared machine a round of 50 queued searches could end with no response at all).
      connections: 10,
      check(body) {
        const value = body as { providers: { familyName: string; licenses: unknown[]; compact: string }[]; total: { value: number; relation: string }; lastSort: string[] }
        assert(value.total.relation === 'eq' && value.total.value === expected, `total ${JSON.stringify(value.total)}, expected ${expected}`)
        assert(value.providers.length === PAGE, `${PAGE} providers a page`)
        const names = value.providers.map((provider) => provider.familyName)
        assert(
          names.every((name) => fold(name).startsWith(fold(PREFIX))),
          'every family name starts with the folded prefix',
        )
        assert(
          names.every((name, index) => index === 0 || Buffer.compare(Buffer.from(names[index - 1]!), Buffer.from(name)) <= 0),
          'keyword (byte) order',
        )
        assert(
          value.providers.every((provider) => provider.compact === 'aslp' && provider.licenses.length === 1),
          'each hit carries its license',
        )
        assert(value.lastSort.length === 1 && value.lastSort[0] === names.at(-1), 'lastSort is the last family name')
      },
    }

    await dropSchema(settings.databaseUrl, SCHEMA)
    const hearthPort = await freePort()
    const before = uptime()
    return {
      setup: [
        `Data: PostgreSQL database \`${new URL(settings.databaseUrl).pathname.slice(1)}\`, schema \`${SCHEMA}\`, migrated by CompactConnect at start ` +
          `(migration 0003 creates pg_trgm, unaccent, \`cc_search_fold\` and the trigram indexes), the QA seed loaded through \`POST /qa/seedDatabase\`, ` +
          `then ${PROVIDERS.toLocaleString('en-US')} providers of \`aslp\` inserted by SQL, each with one license, one in ${PRIVILEGE_EVERY} with a privilege; ` +
          `family names of three syllables out of twenty (some accented), then \`ANALYZE\`.`,
        '',
        `Operation: the web app's staff name search — \`{"query":{"bool":{"must":[{"match_phrase_prefix":{"familyName":"${PREFIX}"}}]}},"size":${PAGE},"sort":[{"familyName.keyword":{"order":"asc"}}]}\` ` +
          `— with a staff access token of S3 (\`aslp/readGeneral\`) from \`POST /qa/token\`: ${PAGE} providers in the general shape with licenses, privileges and military ` +
          'affiliations, the exact total and `lastSort`.',
      ],
      operations: [search],
      hearth: nodeServer(
        'hearth',
        `CompactConnect (\`apps/compact-connect/src/server.ts\`: Fastify ${packageVersion('fastify')} on the Hearth kernel, pg pool of 10, HEARTH_ENV=qa, LOG_LEVEL=warn, RESPONSE_VALIDATION=false as in production, JOBS_ENABLED=false)`,
        join(repositoryRoot, 'apps/compact-connect/src/server.ts'),
        hearthPort,
        {
          DATABASE_URL: settings.databaseUrl,
          HEARTH_ENV: 'qa',
          SEED: 'none',
          LOG_LEVEL: 'warn',
          RESPONSE_VALIDATION: 'false',
          // The production build has no local fakes: the processor gets (unused) real settings, as in production.
          AUTHORIZE_NET_API_URL: 'https://apitest.authorize.net/xml/v1/request.api',
          JOBS_ENABLED: 'false',
          DATA_DIR: join(settings.workDir, 'compact-connect-data'),
          PORT: String(hearthPort),
          COMPACT_CONNECT_PORT: String(hearthPort),
          COMPACT_CONNECT_DATABASE_SCHEMA: SCHEMA,
        },
        '/health',
      ),
      async afterHearthStart(server) {
        const seeded = await fetch(`${server.url}/qa/seedDatabase`, { method: 'POST' })
        if (!seeded.ok) throw new Error(`POST /qa/seedDatabase answered ${seeded.status}: ${await seeded.text()}`)
        expected = await insertProviders(settings.databaseUrl)
        // Access tokens live 5 minutes (§4.14), longer than one run of this scenario.
        const token = await fetch(`${server.url}/qa/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pool: 'staff', sub: STAFF_SUB }) })
        if (!token.ok) throw new Error(`POST /qa/token answered ${token.status}: ${await token.text()}`)
        search.headers = { ...search.headers, authorization: `Bearer ${((await token.json()) as { token: string }).token}` }
      },
      // The issue sets no ratio for this read; the section reports what was measured.
      targets: [],
      async extra(): Promise<ExtraResult> {
        const explained = await explainSearch(settings.databaseUrl)
        return { measurements: [], notes: [`\`uptime\` before the run: ${before}; after: ${uptime()}.`, '', ...explained.notes], problems: explained.problems }
      },
      notes: [
        'No peer: the original ran this query on an OpenSearch cluster (`compact_{c}_providers`, ASCII-folding name analyzer), which is not available here. ' +
          'The ceiling answers the recorded JSON of the same request, so the ratio shows what the search costs on top of serialising its answer.',
      ],
    }
  },
}

export default scenario
