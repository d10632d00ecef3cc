import type { Database, EventBus } from '@hearth/kernel'
import { createJobRunner, type JobRunner } from '@hearth/kernel/jobs'
import { createMailer } from '@hearth/kernel/mail'
import type { CompactConnectConfig } from './config.ts'
import type { CompactConnectEvents } from './events.ts'
import type { CompactConnectJobs } from './jobs.ts'
import { IdentityTokens } from './auth/tokens.ts'
import { IdentityRepository } from './auth/identity.repository.ts'
import { IdentityService } from './auth/identity.service.ts'
import { StaffUsersRepository } from './modules/staff-users/staff-users.repository.ts'
import { StaffUsersService } from './modules/staff-users/staff-users.service.ts'
import { ProvidersRepository } from './modules/providers/providers.repository.ts'
import { ProvidersService } from './modules/providers/providers.service.ts'
import { RateLimits } from './modules/providers/rate-limits.ts'
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
    // CC-C repositories
    configuration: new ConfigurationRepository(),
    attestations: new AttestationsRepository(),
    purchases: new PurchasesRepository(),
    // cc-search repositories
    search: new SearchRepository(),
  }

  // Jobs are handled by services built below; the runner only needs them when a job runs.
  let handlers: { ingest?: IngestService; bulkUpload?: BulkUploadService } = {}
  // Mail (kernel SMTP; logged when no SMTP_URL), sent by the job worker after the causing transaction commits.
  const mailer = createMailer(config.mail, log)
  const jobs: JobRunner<CompactConnectJobs> = createJobRunner<CompactConnectJobs>({
    database,
    log,
    pollIntervalMs: config.jobPollIntervalMs,
    handlers: {
      'license.ingest': async (payload, job) => handlers.ingest!.processBatch(payload, job.idempotencyKey),
      'license.deactivation': async (payload) => handlers.ingest!.cascadeLicenseDeactivation(payload),
      'license.upload': async (payload) => handlers.bulkUpload!.processUpload(payload),
      'mail.send': async (message) => void (await mailer.send(message)),
    },
  })

  // CC-B: identity service and staff users
  const tokens = new IdentityTokens(config.auth, identity.signingKey)
  const staffUsers = new StaffUsersService(database, repositories.staffUsers, repositories.identities)
  const identityService = new IdentityService(database, repositories.identities, staffUsers, tokens, config.auth)
  const rateLimits = new RateLimits(identity.redis, database.schema)

  const ssn = new SsnService(database, repositories.ssn, config.ssnEncryptionKeys, config.ssnHmacKey)
  const ingest = new IngestService(database, repositories.licenses, repositories.ingest, ssn, jobs, events, log, config.ingestBatchSize)
  const licenses = new LicensesService(database, repositories.licenses, ssn)
  const bulkUpload = new BulkUploadService(database, repositories.ingest, ingest, jobs, config)
  const signatures = new SignatureService(database, repositories.signatures, config.signatureMaxSkewSeconds)
  handlers = { ingest, bulkUpload }
  // CC-C: the payment processor (the local Authorize.Net fake outside production without AUTHORIZE_NET_API_URL)
  const payments = new PaymentGateway(config.authorizeNet, config.paymentFake, async () => {
    const highest = await repositories.purchases.highestTransactionId(database.db)
    return highest === undefined ? undefined : highest + 1
  })
  const attestations = new AttestationsService(database, repositories.attestations)
  const configuration = new ConfigurationService(database, repositories.configuration, payments, new CredentialsCipher(config.paymentCredentialsKey))

  const stateApi = new StateApiService(database, repositories.stateApi, signatures, config.uiUrl)
  const services = {
    ssn,
    stateApi,
    licenses,
    ingest,
    bulkUpload,
    signatures,
    // CC-B services
    staffUsers,
    identity: identityService,
    rateLimits,
    registration: new RegistrationService(
      database,
      repositories.registration,
      repositories.configuration,
      repositories.identities,
      rateLimits,
      new RecaptchaVerifier(config.auth.recaptcha),
      config.auth.registrationMinimumMs,
    ),
    providers: new ProvidersService(database, repositories.providers, ssn, repositories.identities, rateLimits, { perUser: config.auth.ssnPerUserLimit, global: config.auth.ssnGlobalLimit }),
    // CC-C services
    payments,
    configuration,
    attestations,
    purchases: new PurchasesService(database, repositories.purchases, repositories.configuration, configuration, attestations, payments, events, jobs, log, config.env !== 'production'),
    // cc-search services: the search API and export (§2.8), the public lookup (§2.1)
    search: new SearchService(database, repositories.search, config.publicUrl),
    publicLookup: new PublicLookupService(database, repositories.providers, configuration, config.publicProviderMinimumMs),
  }
  return { config, database, repositories, services, jobs, events, tokens, mailer }
}

export type Container = ReturnType<typeof buildContainer>
