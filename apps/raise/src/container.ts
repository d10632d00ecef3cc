import type { FastifyInstance } from 'fastify'
import { createStripeClient, type Stripe } from '@hearth/kernel/payments'
import { createMailer, type Mailer } from '@hearth/kernel/mail'
import { createJobRunner, type JobRunner } from '@hearth/kernel/jobs'
import { startFakeStripe, type FakeStripe } from '@hearth/kernel/testing/stripe-api'
import type { RaiseConfig } from './config.ts'
import type { RaiseJobs } from './jobs.ts'
import { createTokenService, type TokenService } from './auth/tokens.ts'
import { createSlack, type Slack } from './slack.ts'
import { createFundraiserService } from './modules/fundraisers/fundraiser.service.ts'
import { createDonationService } from './modules/donations/donation.service.ts'
import { createPaymentService } from './modules/payments/payment.service.ts'
import { createPublicService } from './modules/public/public.service.ts'
import { createWebhookService } from './modules/stripe/webhook.service.ts'
import { createCollectionService } from './modules/scheduler/collection.service.ts'
import { createGroupService } from './modules/groups/group.service.ts'
import { createUserService } from './modules/users/user.service.ts'
import { createAuditLogService } from './modules/audit-logs/audit-log.service.ts'
import { createLoginService } from './modules/login/login.service.ts'
import { createTaskService } from './modules/tasks/task.service.ts'

/** Builds Raise's services with explicit arguments, in dependency order. */
export async function createContainer(config: RaiseConfig, app: FastifyInstance) {
  const { database } = app.hearth
  const log = app.log
  const production = config.env === 'production'
  const slack: Slack = createSlack(config.slackWebhookUrl, log)
  const tokens: TokenService = createTokenService({ privateKey: config.jwtPrivateKey, publicKey: config.jwtPublicKey, requireIssuedAtAfter: config.jwtRequireIssuedAtAfter })
  const mailer: Mailer = createMailer(config.mail, log)

  // Without a Stripe key (development) the local fake runs in-process and posts webhooks back here.
  let fakeStripe: FakeStripe | undefined
  let stripe: Stripe
  if (config.stripeFake) {
    fakeStripe = await startFakeStripe({
      webhookSecret: config.stripe.webhookSecret,
      deliver: async (payload, signature) =>
        (await app.inject({ method: 'POST', url: '/stripe/webhook', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, payload })).statusCode,
    })
    stripe = createStripeClient({ secretKey: 'sk_test_hearth_local_fake', apiUrl: fakeStripe.url, timeoutMs: config.stripe.timeoutMs })
  } else {
    stripe = createStripeClient({ secretKey: config.stripe.secretKey!, apiUrl: config.stripe.apiUrl, timeoutMs: config.stripe.timeoutMs })
  }

  const email = { production, fromAddress: config.mail.fromAddress, loginUrl: `${config.customRaiseDomain}/admin` }
  const fundraiserService = createFundraiserService(database)
  const donationService = createDonationService(database, fundraiserService)
  const paymentService = createPaymentService(database, fundraiserService, donationService)
  const publicService = createPublicService(database, fundraiserService, stripe)
  const collectionService = createCollectionService({ database, stripe, fundraiserService, donationService, slack, delayMs: config.collectionDelayMs, log })

  const jobs: JobRunner<RaiseJobs> = createJobRunner<RaiseJobs>({
    database,
    log,
    pollIntervalMs: config.jobPollIntervalMs,
    handlers: {
      'mail.send': async (message) => void (await mailer.send(message)),
      'payments.collect': async () => void (await collectionService.collect({ subject: 'scheduler', sourceIp: '', userAgent: 'hearth-jobs', route: 'JOB payments.collect' })),
    },
    schedules: config.schedulesEnabled ? [{ name: 'raise.daily-collection', cron: config.collectionCron, job: 'payments.collect', payload: (slot) => ({ slot: slot.toISOString() }) }] : [],
  })

  const webhookService = createWebhookService({ database, stripe, webhookSecret: config.stripe.webhookSecret, jobs, fundraiserService, donationService, email })
  const groupService = createGroupService(database)
  const userService = createUserService({ database, jobs, email })
  const auditLogService = createAuditLogService(database)
  const loginService = createLoginService({
    database,
    tokens,
    userService,
    google: { enabled: config.googleLoginEnabled, clientId: config.googleClientId, jwksUrl: config.googleJwksUrl, issuers: config.googleIssuers },
    impersonation: { enabled: config.impersonationLoginEnabled, production },
  })
  const taskService = createTaskService({ database, slack, jobs, groupService, fundraiserService, email, log })

  return {
    config,
    slack,
    tokens,
    mailer,
    stripe,
    fakeStripe,
    jobs,
    fundraiserService,
    donationService,
    paymentService,
    publicService,
    webhookService,
    collectionService,
    groupService,
    userService,
    auditLogService,
    loginService,
    taskService,
  }
}

export type Container = Awaited<ReturnType<typeof createContainer>>
