import type { FastifyInstance } from 'fastify'
import { createStripeClient, type Stripe } from '@hearth/kernel/payments'
import { createMailer } from '@hearth/kernel/mail'
import { createJobRunner, type JobRunner } from '@hearth/kernel/jobs'
import type { RaiseConfig } from './config.ts'
import type { RaiseJobs } from './jobs.ts'
import type { RaiseEventBus } from './events.ts'
import { PublicViewsCache } from './cache/public-views.ts'
import { DonationSettingsCache } from './cache/donation-settings.ts'
import { TokenService } from './auth/tokens.ts'
import { createSlack } from './slack.ts'
import type { DevelopmentStripe } from './modules/stripe/development-stripe.ts'
import { FundraiserRepository } from './modules/fundraisers/fundraiser.repository.ts'
import { DonationRepository } from './modules/donations/donation.repository.ts'
import { PaymentRepository } from './modules/payments/payment.repository.ts'
import { SucceededPaymentRepository } from './modules/stripe/succeeded-payment.repository.ts'
import { GroupRepository } from './modules/groups/group.repository.ts'
import { UserRepository } from './modules/users/user.repository.ts'
import { Lookup } from './modules/lookup.ts'
import { FundraiserTotals } from './modules/fundraisers/fundraiser-totals.ts'
import { FundraiserService } from './modules/fundraisers/fundraiser.service.ts'
import { DonationService } from './modules/donations/donation.service.ts'
import { PaymentService } from './modules/payments/payment.service.ts'
import { PublicService } from './modules/public/public.service.ts'
import { WebhookService } from './modules/stripe/webhook.service.ts'
import { CollectionService } from './modules/scheduler/collection.service.ts'
import { GroupService } from './modules/groups/group.service.ts'
import { UserService } from './modules/users/user.service.ts'
import { AuditLogService } from './modules/audit-logs/audit-log.service.ts'
import { LoginService } from './modules/login/login.service.ts'
import { TaskService } from './modules/tasks/task.service.ts'

/**
 * Stripe: the real API with a configured key; without one (development and QA only — production
 * refuses to start without a key, see config.ts) the local fake, loaded with a dynamic import so
 * that test code is never loaded otherwise.
 */
async function connectStripe(config: RaiseConfig, app: FastifyInstance): Promise<{ stripe: Stripe; developmentStripe?: DevelopmentStripe }> {
  if (!config.stripeFake) return { stripe: createStripeClient({ secretKey: config.stripe.secretKey!, apiUrl: config.stripe.apiUrl, timeoutMs: config.stripe.timeoutMs }) }
  const { startDevelopmentStripe } = await import('./modules/stripe/development-stripe.ts')
  const developmentStripe = await startDevelopmentStripe(config, app)
  return { stripe: developmentStripe.stripe, developmentStripe }
}

/** Builds Raise's repositories, then its services, with explicit arguments, in dependency order. */
export async function buildContainer(config: RaiseConfig, app: FastifyInstance) {
  const { database } = app.hearth
  const log = app.log
  const production = config.env === 'production'
  const slack = createSlack(config.slackWebhookUrl, log)
  const tokens = new TokenService({ privateKey: config.jwtPrivateKey, publicKey: config.jwtPublicKey, requireIssuedAtAfter: config.jwtRequireIssuedAtAfter })
  const mailer = createMailer(config.mail, log)
  const { stripe, developmentStripe } = await connectStripe(config, app)

  const repositories = {
    fundraisers: new FundraiserRepository(),
    donations: new DonationRepository(),
    payments: new PaymentRepository(),
    groups: new GroupRepository(),
    users: new UserRepository(),
  }
  const { fundraisers, donations, payments, groups, users } = repositories
  const lookup = new Lookup(database, fundraisers, donations)
  const totals = new FundraiserTotals(fundraisers)
  const email = { production, fromAddress: config.mail.fromAddress, loginUrl: `${config.customRaiseDomain}/admin` }

  const publicViews = new PublicViewsCache(app.hearth.events as RaiseEventBus, config.publicViewCacheTtlMs, log)
  const donationSettings = new DonationSettingsCache(app.hearth.events as RaiseEventBus, config.donationSettingsCacheTtlMs, log)
  const collection = new CollectionService(database, stripe, lookup, payments, slack, { delayMs: config.collectionDelayMs, log })
  const jobs: JobRunner<RaiseJobs> = createJobRunner<RaiseJobs>({
    database,
    log,
    pollIntervalMs: config.jobPollIntervalMs,
    handlers: {
      'mail.send': async (message) => void (await mailer.send(message)),
      'payments.collect': async () => {
        await collection.collect({ subject: 'scheduler', sourceIp: '', userAgent: 'hearth-jobs', route: 'JOB payments.collect' })
        await publicViews.changed() // not a request: the views it changed are dropped here
      },
    },
    schedules: config.schedulesEnabled ? [{ name: 'raise.daily-collection', cron: config.collectionCron, job: 'payments.collect', payload: (slot) => ({ slot: slot.toISOString() }) }] : [],
  })
  const group = new GroupService(database, groups)

  const services = {
    fundraisers: new FundraiserService(database, lookup, fundraisers),
    donations: new DonationService(database, lookup, fundraisers, donations),
    payments: new PaymentService(database, lookup, donations, payments, totals),
    public: new PublicService(database, lookup, donations, stripe, donationSettings),
    webhook: new WebhookService(database, stripe, config.stripe.webhookSecret, jobs, lookup, donations, payments, totals, new SucceededPaymentRepository(), email),
    collection,
    groups: group,
    users: new UserService(database, users, jobs, email),
    auditLogs: new AuditLogService(database),
    login: new LoginService(database, tokens, users, {
      google: { enabled: config.googleLoginEnabled, clientId: config.googleClientId, jwksUrl: config.googleJwksUrl, issuers: config.googleIssuers },
      impersonation: { enabled: config.impersonationLoginEnabled, production },
    }),
    tasks: new TaskService(database, slack, jobs, group, lookup, payments, totals, { email, log }),
  }

  return { config, slack, tokens, mailer, stripe, developmentStripe, jobs, repositories, lookup, services, publicViews, donationSettings }
}

export type Container = Awaited<ReturnType<typeof buildContainer>>
export type Services = Container['services']
