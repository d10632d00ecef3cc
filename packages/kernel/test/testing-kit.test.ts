import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { createApp, loadBaseConfig, openResources, registerQaRoutes, type BaseConfig, type HearthAppModule } from '../src/index.ts'
import { buildTestApp, defineFactory, testRedisUrl } from '../src/testing/index.ts'

const migrations = { owner: 'fixture', folder: join(import.meta.dirname, 'fixtures', 'migrations') }

/** The smallest app: what buildTestApp is given by every real app. */
const fixtureApp: HearthAppModule<BaseConfig> = {
  name: 'kit-fixture',
  defaultPort: 8999,
  migrations,
  loadConfig: (env, options) => loadBaseConfig(env, { app: 'kit-fixture', defaultPort: 8999, alone: options?.alone }),
  async buildApp(config, options) {
    const resources = await openResources(config, { migrations, ...options })
    const app = await createApp({ config, ...resources })
    app.get('/widgets', { schema: { response: { 200: { type: 'array', items: { type: 'object', additionalProperties: true } } } }, config: { public: true } }, async () =>
      resources.database.query('SELECT name FROM widgets ORDER BY id'),
    )
    registerQaRoutes(app, config, { seedDatabase: async () => resources.database.reset([migrations]) })
    return app
  },
  banner: async () => ({ docsPath: '/docs', credentials: {} }),
}

test('buildTestApp builds the real app on a fresh migrated database, in QA mode, quietly, in a temp DATA_DIR removed on close', async () => {
  const { app, config, database, close } = await buildTestApp(fixtureApp)
  try {
    assert.equal(config.env, 'qa')
    assert.equal(config.seed, 'none')
    assert.equal(config.logLevel, 'silent')
    assert.ok(config.dataDir.startsWith(tmpdir()))
    assert.ok(existsSync(config.dataDir))
    assert.equal(config.redisUrl, testRedisUrl())
    assert.deepEqual((await app.inject({ method: 'GET', url: '/widgets' })).json(), [{ name: 'seeded' }])
    await database.query(`INSERT INTO widgets (name) VALUES ('mine')`)
    assert.equal((await app.inject({ method: 'POST', url: '/qa/seedDatabase' })).statusCode, 204)
    assert.deepEqual((await app.inject({ method: 'GET', url: '/widgets' })).json(), [{ name: 'seeded' }])
  } finally {
    await close()
  }
  assert.equal(existsSync(config.dataDir), false)
})

test('buildTestApp takes env overrides, and each call gets its own database', async () => {
  const first = await buildTestApp(fixtureApp, { env: { HEARTH_ENV: 'development', KIT_FIXTURE_DATABASE_SCHEMA: 'kit_custom' } })
  const second = await buildTestApp(fixtureApp)
  try {
    assert.equal(first.config.env, 'development')
    assert.equal(first.database.schema.includes('kit_custom'), true)
    assert.equal((await first.app.inject({ method: 'POST', url: '/qa/seedDatabase' })).statusCode, 404, 'no QA routes outside QA mode')
    await first.database.query(`INSERT INTO widgets (name) VALUES ('only in first')`)
    assert.deepEqual((await second.app.inject({ method: 'GET', url: '/widgets' })).json(), [{ name: 'seeded' }])
  } finally {
    await first.close()
    await second.close()
  }
})

test('defineFactory: defaults per sequence number, overrides per call, created through the given function', async () => {
  const inserted: { name: string; size: number }[] = []
  const widgets = defineFactory({
    defaults: (n) => ({ name: `widget ${n}`, size: 1 }),
    create: async (values) => {
      inserted.push(values)
      return inserted.length
    },
  })
  assert.equal(await widgets.create(), 1)
  assert.equal(await widgets.create({ size: 5 }), 2)
  assert.deepEqual(await widgets.createMany(2, (index) => ({ size: 10 + index })), [3, 4])
  assert.deepEqual(inserted, [
    { name: 'widget 1', size: 1 },
    { name: 'widget 2', size: 5 },
    { name: 'widget 3', size: 10 },
    { name: 'widget 4', size: 11 },
  ])
  assert.deepEqual(widgets.build({ name: 'named' }), { name: 'named', size: 1 })
})
