// The auth and Web Push modules on their own, on the kernel app and a fresh test database, with a
// stand-in `/graphql` route that echoes the caller the hooks established. The Gom app's own tests
// use the real `buildGomApp`; these isolate sessions, CSRF, the split JWT and the limiter.
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { createApp, openResources, type Database, type MigrationSource } from '@hearth/kernel'
import { createTestDatabase, testRedisUrl } from '@hearth/kernel/testing'
import { loadGomConfig, type GomConfig } from '../src/config.ts'
import { formatError } from '../src/errors.ts'
import { bps, customerOf, users } from '../src/db/schema.ts'
import { buildAuth, gomServerOptions, registerAuth, resolveCaller } from '../src/modules/auth/index.ts'
import { buildWebPush, type WebPush } from '../src/modules/webpush/index.ts'
import { SELLERS } from '../seeds/sellers.ts'

export const migrations: MigrationSource = { owner: 'gom', folder: join(import.meta.dirname, '..', 'migrations') }
export const APP_KEY = 'test-app-key-0123456789abcdef'

export interface AuthHarness {
  app: FastifyInstance
  config: GomConfig
  database: Database
  webpush: WebPush
  close(): Promise<void>
}

/** Sellers U1, U2 and customers C1 (of U1), C4 (of U2) of the QA seed (spec §11.3–11.4). */
export async function seedPeople(database: Database): Promise<void> {
  const at = new Date('2020-05-01T15:00:00.000Z')
  await database.db
    .insert(users)
    .values(
      SELLERS.map((seller) => ({ uid: seller.uid, extUid: seller.extUid, business: seller.business, role: seller.role, createdAt: new Date(seller.createdAt), updatedAt: new Date(seller.createdAt) })),
    )
  await database.db.insert(bps).values([
    {
      uid: 'cgomqacus0000000000000001',
      extUid: 'QaCarmen01',
      name1: 'Carmen',
      lastName1: 'Díaz',
      lastName2: 'Rojas',
      phone: '5512345671',
      createdAt: at,
      updatedAt: at,
      createdBy: SELLERS[0]!.extUid,
    },
    { uid: 'cgomqacus0000000000000002', extUid: 'QaDiegoF02', name1: 'Diego', name2: 'Andrés', lastName1: 'Fuentes', phone: '5523456782', createdAt: at, updatedAt: at, createdBy: SELLERS[0]!.extUid },
    {
      uid: 'cgomqacus0000000000000004',
      extUid: 'QaFerHer04',
      name1: 'Fernando',
      lastName1: 'Herrera',
      lastName2: 'Soto',
      phone: '3345678904',
      createdAt: at,
      updatedAt: at,
      createdBy: SELLERS[1]!.extUid,
    },
    { uid: 'cgomqacus0000000000000009', extUid: 'QaNoPhone9', name1: 'Sin', lastName1: 'Teléfono', phone: null, createdAt: at, updatedAt: at, createdBy: SELLERS[1]!.extUid },
  ])
  await database.db.insert(customerOf).values([
    { bpUid: 'cgomqacus0000000000000001', userUid: SELLERS[0]!.uid },
    { bpUid: 'cgomqacus0000000000000002', userUid: SELLERS[0]!.uid },
    { bpUid: 'cgomqacus0000000000000004', userUid: SELLERS[1]!.uid },
    { bpUid: 'cgomqacus0000000000000009', userUid: SELLERS[1]!.uid },
  ])
}

export function testEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    HEARTH_ENV: 'qa',
    SEED: 'none',
    LOG_LEVEL: 'silent',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'hearth-gom-auth-')),
    REDIS_URL: testRedisUrl(),
    APP_KEY,
    PUSH_ALLOW_INSECURE_TLS: 'true',
    // Test files (and apps within one) sharing the test Redis never see each other's keys.
    GOM_REDIS_PREFIX: `t_gom_${randomBytes(5).toString('hex')}:`,
    ...extra,
  }
}

export async function startAuthHarness(env: Record<string, string | undefined> = {}): Promise<AuthHarness> {
  const config = loadGomConfig(testEnv(env), { alone: true })
  const database = await createTestDatabase({ schema: config.databaseSchema, migrations })
  const resources = await openResources(config, { migrations, database })
  const app = await createApp({ config, ...resources, formatError, cors: false, fastify: gomServerOptions(config.auth) })
  const auth = await buildAuth(
    config,
    resources,
    SELLERS.map((seller) => ({ email: seller.email, password: seller.password, sub: seller.extUid, nickname: seller.nickname, name: seller.name })),
  )
  const webpush = buildWebPush(config, resources, app.log, { pollIntervalMs: 60_000 })
  await registerAuth(app, { auth, webpush })
  app.route({
    method: ['GET', 'POST'],
    url: '/graphql',
    config: { public: true },
    schema: { hide: true, response: { 200: { type: 'object', additionalProperties: true } } },
    handler: async (request) => {
      const caller = await resolveCaller(request)
      return { data: { caller: caller ? { kind: caller.kind, sub: caller.sub, permissions: caller.permissions } : null } }
    },
  })
  await app.ready()
  await seedPeople(database)
  return { app, config, database, webpush, close: () => app.close() }
}
