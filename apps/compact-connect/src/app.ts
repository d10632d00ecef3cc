import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { createApp, kernelMigrations, listeningUrl, openResources, registerQaRoutes, type Database, type EventBus, type HearthAppModule, type MigrationSource } from '@hearth/kernel'
import { registerOpenApi } from '@hearth/kernel/openapi'
import { APP_NAME, DEFAULT_PORT, loadConfig, type CompactConnectConfig } from './config.ts'
import { buildContainer, type Container } from './container.ts'
import { errorSchema, formatError } from './errors.ts'
import type { CompactConnectEvents } from './events.ts'
import { registerAuth, SigningKey } from './auth/index.ts'
import { identityRoutes } from './auth/identity.routes.ts'
import { softwareTokenRoutes } from './auth/software-token.routes.ts'
import { staffUserRoutes } from './modules/staff-users/staff-users.routes.ts'
import { providerRoutes } from './modules/providers/providers.routes.ts'
import { registrationRoutes } from './modules/registration/registration.routes.ts'
import { accountRoutes } from './modules/account/account.routes.ts' // cc-identity
import { ingestRoutes } from './modules/ingest/ingest.routes.ts'
import { stateApiRoutes } from './modules/state-api/state-api.routes.ts'
import { configurationRoutes } from './modules/configuration/configuration.routes.ts'
import { attestationsRoutes } from './modules/attestations/attestations.routes.ts'
import { purchasesRoutes, qaPaymentsRoutes } from './modules/purchases/purchases.routes.ts'
import { recordFromBus } from './modules/data-events/data-events.ts'
import { featureFlagRoutes } from './modules/feature-flags/feature-flags.routes.ts' // cc-ingest
// cc-enforcement
import { encumbranceRoutes } from './modules/encumbrances/encumbrances.routes.ts'
import { privilegeRoutes } from './modules/privileges/privileges.routes.ts'
import { homeJurisdictionRoutes } from './modules/home-jurisdiction/home-jurisdiction.routes.ts'
import { militaryRoutes } from './modules/military/military.routes.ts'
import { searchRoutes } from './modules/search/search.routes.ts' // cc-search
import { publicLookupRoutes } from './modules/public/public.routes.ts' // cc-search
import { seedQa } from '../seeds/qa.ts'
import { demoCredentials, seedDemo } from '../seeds/demo.ts'

// cc-search: migration 0003 creates pg_trgm and unaccent, so the embedded database loads them.
export const migrations: MigrationSource = { owner: APP_NAME, folder: join(import.meta.dirname, '..', 'migrations'), embeddedExtensions: ['pg_trgm', 'unaccent'] }

declare module 'fastify' {
  interface FastifyInstance {
    /** CompactConnect's repositories, services and job runner (scripts and tests reach them here). */
    compactConnect: Container
  }
}

/** §2: top-level string fields of a JSON body (each element's, for an array body) are trimmed before validation. */
function trimTopLevelStrings(app: FastifyInstance): void {
  const trim = (value: unknown) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value
    const record = value as Record<string, unknown>
    for (const [key, field] of Object.entries(record)) if (typeof field === 'string') record[key] = field.trim()
    return record
  }
  app.addHook('preValidation', async (request) => {
    const body = request.body
    if (Array.isArray(body)) body.forEach(trim)
    else trim(body)
  })
}

const compactConnect: HearthAppModule<CompactConnectConfig> = {
  name: APP_NAME,
  defaultPort: DEFAULT_PORT,
  migrations,
  loadConfig,

  async buildApp(config, options = {}) {
    const resources = await openResources(config, { migrations, ...options })
    const app = await createApp({ config, ...resources, formatError, errorSchema, cors: config.allowedOrigins, corsUnlistedOrigin: 'first-allowed' })
    // Only JSON bodies (415 otherwise); the CSV bulk upload registers multipart in its own scope.
    app.removeContentTypeParser('text/plain')
    trimTopLevelStrings(app)
    await registerOpenApi(app, {
      title: 'CompactConnect',
      version: '1.0.0',
      description:
        'Interstate licensure compacts: license ingest from states (JSON, CSV bulk upload, State API with ECDSA request signatures), providers, privileges, staff users, configuration and privilege purchases.',
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (Cognito-compatible access or ID token)' } },
    })

    const events = resources.events as EventBus<CompactConnectEvents>
    // The built-in identity service's signing key (CC-B); an external OIDC issuer needs none.
    const signingKey = config.auth.identityProvider === 'builtin' ? await SigningKey.forConfig(config.auth) : undefined
    const container = buildContainer(config, resources.database, events, app.log, { signingKey, redis: resources.redis })
    app.decorate('compactConnect', container)

    // ---- authentication (CC-B: src/auth/index.ts) ----
    await registerAuth(app, container)

    // ---- routes, one function per module ----
    await ingestRoutes(app, container) // CC-A: license uploads (JSON, bulk-upload URL, CSV upload)
    await stateApiRoutes(app, container) // CC-A: State API reads
    featureFlagRoutes(app, container.services.featureFlags) // cc-ingest: POST /v1/flags/{flagId}/check
    // CC-B: identity service, staff-users, registration, providers routes
    await identityRoutes(app, { service: container.services.identity, flow: container.services.loginFlow, signingKey, config, auth: config.auth })
    if (signingKey) await softwareTokenRoutes(app, { service: container.services.softwareTokens }) // cc-identity: POST /auth/provider/ (Cognito wire)
    staffUserRoutes(app, container.services.staffUsers)
    providerRoutes(app, container.services.providers)
    registrationRoutes(app, container.services.registration, { trustProxy: config.auth.trustProxy })
    accountRoutes(app, container.services.account, { trustProxy: config.auth.trustProxy }) // cc-identity: recovery, e-mail change
    // CC-C: configuration, purchases, attestations routes
    configurationRoutes(app, container.services.configuration)
    attestationsRoutes(app, container.services.attestations)
    purchasesRoutes(app, container.services.purchases)
    if (config.env === 'qa') qaPaymentsRoutes(app, container.services.payments)
    // cc-enforcement: encumbrances, investigations, deactivation, home-jurisdiction change, military affiliations
    encumbranceRoutes(app, container.services.encumbrances)
    privilegeRoutes(app, container.services.privileges)
    homeJurisdictionRoutes(app, container.services.homeJurisdiction)
    await militaryRoutes(app, container.services.military)
    // cc-search: the search API and privilege export (§2.8), the public provider lookup (§2.1)
    searchRoutes(app, container.services.search)
    publicLookupRoutes(app, container.services.publicLookup)
    app.addHook('onClose', async () => container.services.payments.close())

    const database = resources.database
    registerQaRoutes(app, config, {
      seedDatabase: async () => {
        await database.reset([kernelMigrations, migrations])
        await seedQa(container)
      },
    })
    if (config.seed !== 'none' && !(await hasProviders(database))) {
      await (config.seed === 'qa' ? seedQa(container) : seedDemo(container))
    }

    // cc-mail-jobs: §5 events published without a recording producer land in data_events (once across processes).
    const stopRecording = await recordFromBus(events as never, database, container.repositories.dataEvents, app.log)
    app.addHook('preClose', async () => void (await Promise.all(stopRecording.map((unsubscribe) => unsubscribe()))))

    // cc-ingest: the defined feature flags exist in every deployment; changes reach every process's cache.
    await container.services.featureFlags.ensureDefined()
    await container.services.featureFlags.start()
    app.addHook('onClose', async () => container.services.featureFlags.stop())
    if (config.jobsEnabled) app.addHook('onReady', async () => container.jobs.start())
    app.addHook('preClose', async () => container.jobs.stop())
    return app
  },

  async banner(config, app) {
    const url = listeningUrl(app)
    const credentials = await demoCredentials(app, url)
    if (config.env === 'qa') credentials['QA seed'] = `curl -s -X POST ${url}/qa/seedDatabase`
    return { docsPath: '/docs', credentials }
  },
}

async function hasProviders(database: Database): Promise<boolean> {
  return (await database.query('SELECT 1 FROM providers LIMIT 1')).length > 0
}

export default compactConnect
