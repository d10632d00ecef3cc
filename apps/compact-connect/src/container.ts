import type { Database, EventBus } from '@hearth/kernel'
import { createJobRunner, createPayloadSealer, type JobRunner } from '@hearth/kernel/jobs'
import { createMailer } from '@hearth/kernel/mail'
import type { CompactConnectConfig } from './config.ts'
import type { CompactConnectEvents } from './events.ts'
import type { CompactConnectJobs } from './jobs.ts'
import { IdentityTokens } from './auth/tokens.ts'
import { IdentityRepository } from './auth/identity.repository.ts'
import { IdentityService } from './auth/identity.service.ts'
import { IdentityInvitations } from './auth/invitations.ts'
import { LoginFlowService } from './auth/login-flow.service.ts'
import { AccountRepository } from './modules/account/account.repository.ts' // cc-identity
import { AccountService } from './modules/account/account.service.ts' // cc-identity
import { StaffUsersRepository } from './modules/staff-users/staff-users.repository.ts'
import { StaffUsersService } from './modules/staff-users/staff-users.service.ts'
import { ProvidersRepository } from './modules/providers/providers.repository.ts'
import { ProvidersService } from './modules/providers/providers.service.ts'
import { RateLimits } from './modules/providers/rate-limits.ts'
import { SoftwareTokenService } from './auth/software-token.service.ts'
import { RegistrationRepository } from './modules/registration/registration.repository.ts'
import { RegistrationService } from './modules/registration/registration.service.ts'
import { RecaptchaVerifier } from './modules/registration/recaptcha.ts'
import type { Redis } from '@hearth/kernel'
import type { SigningKey } from './auth/signing-key.ts'
import { LicensesRepository } from './modules/licenses/licenses.repository.ts'
import { SsnRepository } from './modules/licenses/ssn.repository.ts'
import { SsnService } from './modules/licenses/ssn.service.ts'
import { LicensesService } from './modules/licenses/licenses.service.ts'
import { IngestRepository } from './modules/ingest/ingest.repository.ts'
import { IngestService } from './modules/ingest/ingest.service.ts'
import { BulkUploadService } from './modules/ingest/bulk-upload.service.ts'
import { SsnCorrectionRepository } from './modules/ingest/ssn-correction.repository.ts' // cc-ingest
import { SsnCorrectionService } from './modules/ingest/ssn-correction.service.ts' // cc-ingest
import { FeatureFlagsRepository } from './modules/feature-flags/feature-flags.repository.ts' // cc-ingest
import { FeatureFlags } from './modules/feature-flags/feature-flags.service.ts' // cc-ingest
import { SignatureRepository } from './modules/state-api/signature.repository.ts'
import { SignatureService } from './modules/state-api/signature.service.ts'
import { StateApiRepository } from './modules/state-api/state-api.repository.ts'
import { StateApiService } from './modules/state-api/state-api.service.ts'
import { ConfigurationRepository } from './modules/configuration/configuration.repository.ts'
import { ConfigurationService } from './modules/configuration/configuration.service.ts'
import { CredentialsCipher } from './modules/configuration/credentials-cipher.ts'
import { AttestationsRepository } from './modules/attestations/attestations.repository.ts'
import { AttestationsService } from './modules/attestations/attestations.service.ts'
import { PurchasesRepository } from './modules/purchases/purchases.repository.ts'
import { PurchasesService } from './modules/purchases/purchases.service.ts'
import { PaymentGateway } from './modules/purchases/payment-gateway.ts'
// cc-mail-jobs: notifications, data events, settlement, reports and the §5 schedules
import { NotificationsRepository } from './modules/notifications/notifications.repository.ts'
import { NotificationsService } from './modules/notifications/notifications.service.ts'
import { DataEventsRecorder } from './modules/data-events/data-events.ts'
import { SettlementRepository } from './modules/settlement/settlement.repository.ts'
import { SettlementService } from './modules/settlement/settlement.service.ts'
import { ReportsRepository } from './modules/reports/reports.repository.ts'
import { ReportsService } from './modules/reports/reports.service.ts'
import { COMPACT_CONNECT_SCHEDULES } from './schedules.ts'
// cc-enforcement
import { join } from 'node:path'
import { EnforcementRepository } from './modules/encumbrances/enforcement.repository.ts'
import { EncumbrancesService } from './modules/encumbrances/encumbrances.service.ts'
import { PrivilegesService } from './modules/privileges/privileges.service.ts'
import { HomeJurisdictionService } from './modules/home-jurisdiction/home-jurisdiction.service.ts'
import { MilitaryService } from './modules/military/military.service.ts'
import { DiskObjectStore, S3ObjectStore, type ObjectStore } from '@hearth/kernel/storage'
import { DocumentLinks } from './modules/military/document-links.ts'
import { RollbackRepository } from './modules/rollback/rollback.repository.ts' // cc-s3-rollback
import { RollbackService } from './modules/rollback/rollback.service.ts' // cc-s3-rollback
import { SearchRepository } from './modules/search/search.repository.ts' // cc-search
import { SearchService } from './modules/search/search.service.ts' // cc-search
import { PublicLookupService } from './modules/public/public.service.ts' // cc-search

type Logger = { error(object: unknown, message?: string): void; warn(object: unknown, message?: string): void; info(object: unknown, message?: string): void }

/**
 * Builds the repositories, then the services, with explicit arguments. Each module adds its own lines in its
 * section (CC-A: licenses/ingest/state-api; CC-B: auth/staff-users/registration/providers; CC-C:
 * configuration/purchases/attestations).
 */
export function buildContainer(config: CompactConnectConfig, database: Database, events: EventBus<CompactConnectEvents>, log: Logger, identity: { signingKey?: SigningKey; redis?: Redis } = {}) {
  const repositories = {
    licenses: new LicensesRepository(),
    ssn: new SsnRepository(),
    ingest: new IngestRepository(),
    signatures: new SignatureRepository(),
    stateApi: new StateApiRepository(),
    // CC-B repositories
    identities: new IdentityRepository(),
    staffUsers: new StaffUsersRepository(),
    providers: new ProvidersRepository(),
    registration: new RegistrationRepository(),
    accounts: new AccountRepository(), // cc-identity
    // CC-C repositories
    configuration: new ConfigurationRepository(),
    attestations: new AttestationsRepository(),
    purchases: new PurchasesRepository(),
    // cc-mail-jobs repositories
    notifications: new NotificationsRepository(),
    dataEvents: new DataEventsRecorder(),
    settlement: new SettlementRepository(),
    reports: new ReportsRepository(),
    // cc-enforcement repositories
    enforcement: new EnforcementRepository(),
    // cc-search repositories
    search: new SearchRepository(),
    rollback: new RollbackRepository(), // cc-s3-rollback
  }

  const stores = openObjectStores(config)

  // Jobs are handled by services built below; the runner only needs them when a job runs.
  let handlers: { ingest?: IngestService; bulkUpload?: BulkUploadService; notifications?: NotificationsService; settlement?: SettlementService; reports?: ReportsService; rollback?: RollbackService } =
    {}
  // Mail (kernel SMTP; logged when no SMTP_URL), sent by the job worker after the causing transaction commits.
  // cc-identity: never the body of a logged (unsent) message — invitations carry temporary passwords, resets codes.
  const mailer = createMailer(config.mail, { info: (object, message) => log.info({ ...(object as Record<string, unknown>), text: undefined }, message) })
  const jobs: JobRunner<CompactConnectJobs> = createJobRunner<CompactConnectJobs>({
    database,
    log,
    pollIntervalMs: config.jobPollIntervalMs,
    sealer: createPayloadSealer([...config.jobSealingKeys]),
    handlers: {
      'license.ingest': async (payload, job) => handlers.ingest!.processBatch(payload, job.idempotencyKey),
      'license.deactivation': async (payload) => handlers.ingest!.cascadeLicenseDeactivation(payload),
      'license.upload': async (payload, job) => handlers.bulkUpload!.processUpload(payload, job.signal),
      'mail.send': async (message) => void (await mailer.send(message)),
      // ---- cc-mail-jobs: notifications and the §5 scheduled jobs ----
      'notification.send': async (request, job) => handlers.notifications!.send(request, job),
      'ingest.report': async ({ slot, period }) => void (await handlers.reports!.ingestReport(new Date(slot), period)),
      'settlement.collect': async ({ slot }) => handlers.settlement!.collectAll(new Date(slot)),
      'transactions.report': async ({ slot, cycle }) => void (await handlers.reports!.transactionReports(new Date(slot), cycle)),
      'privileges.expirationReminders': async ({ slot }) => void (await handlers.reports!.expirationReminders(new Date(slot))),
      'dataEvents.purge': async ({ slot }) => {
        const purged = await repositories.dataEvents.purgeExpired(database.db, new Date(slot))
        log.info({ purged }, 'expired data events purged')
      },
      'license.rollback': async ({ executionName }, job) => handlers.rollback!.runJob(executionName, job.attempt), // cc-s3-rollback
    },
    // cc-mail-jobs: the §5 schedules, in processes that take part in them (SCHEDULES_ENABLED).
    schedules: config.schedulesEnabled ? COMPACT_CONNECT_SCHEDULES : [],
  })

  // cc-enforcement: signed download links to military documents (compact admins' provider reads)
  const documentLinks = new DocumentLinks(config.publicUrl, config.bulkUploadSigningKey)
  // CC-B: identity service and staff users
  const tokens = new IdentityTokens(config.auth, identity.signingKey)
  // cc-identity: invitations (temporary password e-mails), the hosted login's steps (new password, TOTP, reset)
  const identityMail = { loginUrl: config.uiUrl, testBanner: config.env !== 'production' }
  const invitations = new IdentityInvitations(repositories.identities, jobs, { temporaryPasswordDays: config.auth.temporaryPasswordDays, mail: identityMail })
  const staffUsers = new StaffUsersService(database, repositories.staffUsers, repositories.identities, invitations)
  const identityService = new IdentityService(database, repositories.identities, staffUsers, tokens, config.auth)
  const rateLimits = new RateLimits(identity.redis, database.schema)
  const loginFlow = new LoginFlowService(database, repositories.identities, identityService, jobs, rateLimits, { staffMfaRequired: config.auth.staffMfaRequired, mail: identityMail })

  const ssn = new SsnService(database, repositories.ssn, config.ssnEncryptionKeys, config.ssnHmacKey)
  // cc-ingest: feature flags (§4.16) and the previousSSN correction (§4.2)
  const featureFlags = new FeatureFlags(database, new FeatureFlagsRepository(), events, config.env, config.featureFlagOverrides, log)
  const ssnCorrection = new SsnCorrectionService(new SsnCorrectionRepository(), repositories.licenses, jobs)
  const ingest = new IngestService(database, repositories.licenses, repositories.ingest, ssn, jobs, events, log, featureFlags, ssnCorrection, config.ingestBatchSize)
  const licenses = new LicensesService(database, repositories.licenses, ssn)
  const bulkUpload = new BulkUploadService(database, repositories.ingest, ingest, jobs, config, featureFlags)
  const signatures = new SignatureService(database, repositories.signatures, config.signatureMaxSkewSeconds)
  handlers = { ingest, bulkUpload }
  // CC-C: the payment processor (the local Authorize.Net fake outside production without AUTHORIZE_NET_API_URL)
  const payments = new PaymentGateway(config.authorizeNet, config.paymentFake, async () => {
    const highest = await repositories.purchases.highestTransactionId(database.db)
    return highest === undefined ? undefined : highest + 1
  })
  const attestations = new AttestationsService(database, repositories.attestations)
  const configuration = new ConfigurationService(database, repositories.configuration, payments, new CredentialsCipher(config.paymentCredentialsKey))

  // cc-mail-jobs: notifications (§4.15), settlement collection and the report / reminder jobs (§5)
  const testMailBanner = config.env !== 'production'
  const notifications = new NotificationsService(database, repositories.notifications, mailer, log, testMailBanner)
  const settlement = new SettlementService(
    database,
    repositories.settlement,
    (compact) => configuration.merchantCredentials(compact),
    (credentials) => payments.processor(credentials),
    jobs,
    log,
  )
  const reports = new ReportsService(database, repositories.reports, jobs, stores.reports, log)
  // cc-s3-rollback: the license upload rollback (§5), results in the rollback results store
  const rollback = new RollbackService(database, repositories.rollback, repositories.dataEvents, jobs, events, stores.rollbackResults, log)
  handlers = { ...handlers, notifications, settlement, reports, rollback }

  const stateApi = new StateApiService(database, repositories.stateApi, signatures, config.uiUrl)
  const services = {
    ssn,
    stateApi,
    licenses,
    ingest,
    bulkUpload,
    signatures,
    featureFlags, // cc-ingest
    // CC-B services
    staffUsers,
    identity: identityService,
    loginFlow, // cc-identity
    // cc-identity: a practitioner's own authenticator through Cognito's user API (AssociateSoftwareToken, …)
    softwareTokens: new SoftwareTokenService(database, repositories.identities, tokens, rateLimits),
    // cc-identity: account recovery and e-mail change (§4.5)
    account: new AccountService(database, repositories.accounts, repositories.registration, repositories.identities, invitations, rateLimits, new RecaptchaVerifier(config.auth.recaptcha), jobs, {
      initiateMinimumMs: config.auth.recoveryInitiateMinimumMs,
      verifyMinimumMs: config.auth.recoveryVerifyMinimumMs,
      uiUrl: config.uiUrl,
    }),
    invitations, // cc-identity
    rateLimits,
    registration: new RegistrationService(
      database,
      repositories.registration,
      repositories.configuration,
      repositories.identities,
      rateLimits,
      new RecaptchaVerifier(config.auth.recaptcha),
      config.auth.registrationMinimumMs,
      invitations, // cc-identity
      jobs, // cc-identity
    ),
    providers: new ProvidersService(
      database,
      repositories.providers,
      ssn,
      repositories.identities,
      rateLimits,
      { perUser: config.auth.ssnPerUserLimit, global: config.auth.ssnGlobalLimit },
      documentLinks, // cc-enforcement
    ),
    // CC-C services
    payments,
    configuration,
    attestations,
    // cc-mail-jobs services
    notifications,
    settlement,
    reports,
    rollback,
    purchases: new PurchasesService(database, repositories.purchases, repositories.configuration, configuration, attestations, payments, events, jobs, log, config.env !== 'production'),
    // cc-search services: the search API and export (§2.8), the public lookup (§2.1)
    search: new SearchService(database, repositories.search, config.publicUrl),
    publicLookup: new PublicLookupService(database, repositories.providers, configuration, config.publicProviderMinimumMs),
  }
  // cc-enforcement: encumbrances, investigations, privilege deactivation, home-jurisdiction change, military affiliations
  const enforcementArgs = [database, repositories.licenses, repositories.enforcement] as const
  const enforcement = {
    encumbrances: new EncumbrancesService(...enforcementArgs, jobs, events, log),
    privileges: new PrivilegesService(...enforcementArgs, jobs, events, log),
    homeJurisdiction: new HomeJurisdictionService(database, repositories.licenses, repositories.configuration, repositories.enforcement, jobs, events, log),
    military: new MilitaryService(
      ...enforcementArgs,
      stores.documents,
      jobs,
      events,
      log,
      {
        publicUrl: config.publicUrl,
        signingSecret: config.bulkUploadSigningKey,
      },
      documentLinks,
    ),
  }
  return { config, database, repositories, services: { ...services, ...enforcement }, jobs, events, tokens, mailer, stores }
}

export type Container = ReturnType<typeof buildContainer>

/**
 * cc-s3-rollback: where files go (the original's buckets) — the S3-compatible store when `S3_BUCKET` is set, else
 * disk: military documents under `DATA_DIR/documents` (file named by the key's hash), report zips under
 * `REPORTS_DIR` and rollback results under `DATA_DIR/rollback-results` (laid out by key).
 */
export function openObjectStores(config: CompactConnectConfig): { documents: ObjectStore; reports: ObjectStore; rollbackResults: ObjectStore } {
  const { s3, buckets } = config.objectStorage
  if (s3 && buckets) {
    return {
      documents: new S3ObjectStore({ ...s3, bucket: buckets.documents }),
      reports: new S3ObjectStore({ ...s3, bucket: buckets.reports }),
      rollbackResults: new S3ObjectStore({ ...s3, bucket: buckets.rollbackResults }),
    }
  }
  return {
    documents: new DiskObjectStore(join(config.dataDir, 'documents')),
    reports: new DiskObjectStore(config.reportsDir, { layout: 'keys' }),
    rollbackResults: new DiskObjectStore(join(config.dataDir, 'rollback-results'), { layout: 'keys' }),
  }
}
