import { join } from 'node:path'
import { createApp, kernelMigrations, listeningUrl, openResources, registerQaRoutes, type HearthAppModule } from '@hearth/kernel'
import { registerOpenApi } from '@hearth/kernel/openapi'
import { APP_NAME, DEFAULT_PORT, loadConfig, type RaiseConfig } from './config.ts'
import { formatError } from './http/errors.ts'
import { registerRaiseHooks } from './http/hooks.ts'
import { registerAccess } from './auth/access.ts'
import { buildContainer, type Container } from './container.ts'
import { fundraiserRoutes } from './modules/fundraisers/fundraiser.routes.ts'
import { donationRoutes } from './modules/donations/donation.routes.ts'
import { paymentRoutes } from './modules/payments/payment.routes.ts'
import { groupRoutes } from './modules/groups/group.routes.ts'
import { userRoutes } from './modules/users/user.routes.ts'
import { auditLogRoutes } from './modules/audit-logs/audit-log.routes.ts'
import { loginRoutes } from './modules/login/login.routes.ts'
import { taskRoutes } from './modules/tasks/task.routes.ts'
import { publicRoutes } from './modules/public/public.routes.ts'
import { webhookRoutes } from './modules/stripe/webhook.routes.ts'
import { schedulerRoutes } from './modules/scheduler/scheduler.routes.ts'
import { seedQa } from '../seeds/qa.ts'
import { seedDemo, DEMO_FUNDRAISER_ID, NATIONAL_ADMIN_EMAIL, DEMO_ADMIN_EMAIL } from '../seeds/demo.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Raise's services and job runner (scripts and tests reach them here). */
    raise: Container
  }
}

const migrations = { owner: APP_NAME, folder: join(import.meta.dirname, '..', 'migrations') }

const raise: HearthAppModule<RaiseConfig> = {
  name: APP_NAME,
  defaultPort: DEFAULT_PORT,
  migrations,
  loadConfig,
  async buildApp(config, options = {}) {
    const resources = await openResources(config, { migrations, ...options })
    // Raise's CORS allows every origin, as the original's API Gateway did.
    const app = await createApp({ config, ...resources, formatError, cors: true })
    // `application/<anything>+json` is JSON too (the original's content-type rule).
    // Only JSON is accepted: anything else is 415 (Fastify would otherwise parse text/plain).
    app.removeContentTypeParser('text/plain')
    app.addContentTypeParser(/^application\/.+\+json$/, { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'))
    await registerOpenApi(app, {
      title: 'Raise',
      version: '1.0.0',
      description: 'Student fundraising for charity: fundraisers, Stripe donations, match funding, Gift Aid.',
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (ES256)' } },
    })
    const container = await buildContainer(config, app)
    app.decorate('raise', container)
    // The original's middleware order: the bearer token (onRequest), content type, JSON and schema
    // validation (Fastify), the no-body check (preValidation), then the permission (preHandler).
    await registerAccess(app, container.tokens)
    registerRaiseHooks(app, { slack: container.slack, version: config.version })

    // Every successful state-changing request drops the cached public views, here and in every process;
    // every one but a donation's and a webhook's (`keepsFundraiserSettings`) the cached donation settings.
    container.publicViews.clearOnChanges(app)
    await container.publicViews.listen()
    container.donationSettings.clearOnChanges(app)
    await container.donationSettings.listen()
    const { services } = container
    publicRoutes(app, services, container.publicViews)
    await webhookRoutes(app, services)
    schedulerRoutes(app, services)
    loginRoutes(app, services)
    fundraiserRoutes(app, services)
    donationRoutes(app, services)
    paymentRoutes(app, services)
    groupRoutes(app, services)
    userRoutes(app, services)
    auditLogRoutes(app, services)
    taskRoutes(app, services)
    container.developmentStripe?.registerRoutes(app)

    const { database } = resources
    const seed = async () => (config.seed === 'qa' ? seedQa(database.db) : seedDemo(database.db))
    registerQaRoutes(app, config, {
      seedDatabase: async () => {
        await database.reset([kernelMigrations, migrations])
        await seedQa(database.db)
      },
      // Raise issues its own tokens: QA suites may mint an access token for any subject and groups.
      mintToken: async (claims) => (await container.tokens.signAccessToken(claims.sub, Array.isArray(claims.groups) ? (claims.groups as string[]) : [])).value,
    })
    if (config.seed !== 'none') {
      if (!(await container.repositories.fundraisers.any(database.db))) await seed()
    }

    if (config.jobsEnabled) app.addHook('onReady', async () => container.jobs.start())
    app.addHook('preClose', async () => {
      await container.jobs.stop()
      container.mailer.close()
      await container.developmentStripe?.close()
    })
    return app
  },
  async banner(config, app) {
    const url = listeningUrl(app)
    const credentials: Record<string, string> = {
      'Log in (impersonation, National admin)': `curl -s -X POST ${url}/admin/login/impersonation -H 'content-type: application/json' -d '{"email":"${NATIONAL_ADMIN_EMAIL}"}'`,
      'Log in (impersonation, Demo team)': `curl -s -X POST ${url}/admin/login/impersonation -H 'content-type: application/json' -d '{"email":"${DEMO_ADMIN_EMAIL}"}'`,
      'Demo fundraiser': `${url}/public/fundraisers/${DEMO_FUNDRAISER_ID}`,
    }
    if (config.stripeFake) {
      credentials['Confirm a donation (local fake Stripe)'] = `POST ${url}/dev/stripe/payment-intents/<pi_… from the donation's stripeClientSecret>/confirm`
    }
    return { docsPath: '/docs', credentials }
  },
}

export default raise
