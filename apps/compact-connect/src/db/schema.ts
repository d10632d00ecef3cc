// CompactConnect's tables (spec §1, §1.12). The original is one DynamoDB partition per provider plus side
// tables; here each record kind is a table and the partition's invariants are unique keys:
// one provider per (compact, SSN) via the SSN vault, one license per (provider, jurisdiction, license type),
// one privilege per (provider, jurisdiction, license type), one privilege id per compact, immutable update records.
// Dates uploaded by states are `date` (YYYY-MM-DD strings); system moments are `timestamptz`.
import { sql } from 'drizzle-orm'
import { bigint, bigserial, boolean, customType, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' })
const moment = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })
const day = (name: string) => date(name, { mode: 'string' })

/** Provider (§1.2): one per (compact, SSN); `providerId` minted by the SSN vault. Projection of the best license (§4.3). */
export const providers = pgTable(
  'providers',
  {
    providerId: uuid('provider_id').primaryKey(),
    compact: text('compact').notNull(),
    licenseJurisdiction: text('license_jurisdiction').notNull(),
    jurisdictionUploadedLicenseStatus: text('jurisdiction_uploaded_license_status').notNull(),
    jurisdictionUploadedCompactEligibility: text('jurisdiction_uploaded_compact_eligibility').notNull(),
    encumberedStatus: text('encumbered_status'),
    ssnLastFour: text('ssn_last_four').notNull(),
    npi: text('npi'),
    givenName: text('given_name').notNull(),
    middleName: text('middle_name'),
    familyName: text('family_name').notNull(),
    suffix: text('suffix'),
    dateOfExpiration: day('date_of_expiration').notNull(),
    dateOfBirth: day('date_of_birth').notNull(),
    compactConnectRegisteredEmailAddress: text('compact_connect_registered_email_address'),
    pendingEmailAddress: text('pending_email_address'),
    emailVerificationCode: text('email_verification_code'),
    emailVerificationExpiry: moment('email_verification_expiry'),
    recoveryToken: text('recovery_token'),
    recoveryExpiry: moment('recovery_expiry'),
    militaryStatus: text('military_status'),
    militaryStatusNote: text('military_status_note'),
    privilegeJurisdictions: text('privilege_jurisdictions')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    currentHomeJurisdiction: text('current_home_jurisdiction').notNull().default('unknown'),
    birthMonthDay: text('birth_month_day').notNull(),
    /** Lower-cased, URL-quoted `family#given#middle` (the original's name index). */
    providerFamGivMid: text('provider_fam_giv_mid').notNull(),
    providerDateOfUpdate: moment('provider_date_of_update').notNull(),
    dateOfUpdate: moment('date_of_update').notNull(),
  },
  (table) => [
    index('providers_compact_name_idx').on(table.compact, table.providerFamGivMid),
    index('providers_compact_updated_idx').on(table.compact, table.providerDateOfUpdate),
    index('providers_compact_license_jurisdiction_idx').on(table.compact, table.licenseJurisdiction),
    index('providers_registered_email_idx').on(table.compactConnectRegisteredEmailAddress),
  ],
)

/** License (§1.3): one per (provider, jurisdiction, license type); `ssn` never stored, only its last four. */
export const licenses = pgTable(
  'licenses',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    providerId: uuid('provider_id')
      .notNull()
      .references(() => providers.providerId, { onDelete: 'cascade' }),
    compact: text('compact').notNull(),
    jurisdiction: text('jurisdiction').notNull(),
    licenseType: text('license_type').notNull(),
    licenseNumber: text('license_number'),
    npi: text('npi'),
    ssnLastFour: text('ssn_last_four').notNull(),
    givenName: text('given_name').notNull(),
    middleName: text('middle_name'),
    familyName: text('family_name').notNull(),
    suffix: text('suffix'),
    dateOfIssuance: day('date_of_issuance').notNull(),
    dateOfRenewal: day('date_of_renewal'),
    dateOfExpiration: day('date_of_expiration').notNull(),
    dateOfBirth: day('date_of_birth').notNull(),
    homeAddressStreet1: text('home_address_street1').notNull(),
    homeAddressStreet2: text('home_address_street2'),
    homeAddressCity: text('home_address_city').notNull(),
    homeAddressState: text('home_address_state').notNull(),
    homeAddressPostalCode: text('home_address_postal_code').notNull(),
    emailAddress: text('email_address'),
    phoneNumber: text('phone_number'),
    licenseStatusName: text('license_status_name'),
    jurisdictionUploadedLicenseStatus: text('jurisdiction_uploaded_license_status').notNull(),
    jurisdictionUploadedCompactEligibility: text('jurisdiction_uploaded_compact_eligibility').notNull(),
    encumberedStatus: text('encumbered_status'),
    investigationStatus: text('investigation_status'),
    firstUploadDate: moment('first_upload_date'),
    dateOfUpdate: moment('date_of_update').notNull(),
  },
  (table) => [
    uniqueIndex('licenses_provider_jurisdiction_type_uq').on(table.providerId, table.jurisdiction, table.licenseType),
    // Registration matching (§4.4): the original's license GSI `C#{c}#J#{j}` / `FN#{family}#GN#{given}`.
    index('licenses_registration_idx').on(table.compact, table.jurisdiction, sql`lower(${table.familyName})`, sql`lower(${table.givenName})`),
    index('licenses_first_upload_idx').on(table.compact, table.jurisdiction, table.firstUploadDate),
  ],
)

/** Privilege (§1.4): one per (provider, jurisdiction, license type); `privilegeId` unique per compact. */
export const privileges = pgTable(
  'privileges',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    providerId: uuid('provider_id')
      .notNull()
      .references(() => providers.providerId, { onDelete: 'cascade' }),
    compact: text('compact').notNull(),
    jurisdiction: text('jurisdiction').notNull(),
    licenseJurisdiction: text('license_jurisdiction').notNull(),
    licenseType: text('license_type').notNull(),
    dateOfIssuance: moment('date_of_issuance').notNull(),
    dateOfRenewal: moment('date_of_renewal').notNull(),
    dateOfExpiration: day('date_of_expiration').notNull(),
    compactTransactionId: text('compact_transaction_id'),
    attestations: jsonb('attestations').$type<{ attestationId: string; version: string }[]>().notNull().default([]),
    privilegeId: text('privilege_id').notNull(),
    administratorSetStatus: text('administrator_set_status').notNull().default('active'),
    encumberedStatus: text('encumbered_status'),
    investigationStatus: text('investigation_status'),
    homeJurisdictionChangeStatus: text('home_jurisdiction_change_status'),
    licenseDeactivatedStatus: text('license_deactivated_status'),
    dateOfUpdate: moment('date_of_update').notNull(),
  },
  (table) => [
    uniqueIndex('privileges_provider_jurisdiction_type_uq').on(table.providerId, table.jurisdiction, table.licenseType),
    uniqueIndex('privileges_compact_privilege_id_uq').on(table.compact, table.privilegeId),
    index('privileges_compact_transaction_idx').on(table.compact, table.compactTransactionId),
    index('privileges_compact_jurisdiction_idx').on(table.compact, table.jurisdiction),
  ],
)

/**
 * Update (history) records (§1.5) for licenses, privileges and providers: immutable, one per change.
 * `recordType` is `license` | `privilege` | `provider`; jurisdiction/licenseType are null for provider updates.
 */
export const updateRecords = pgTable(
  'update_records',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    recordType: text('record_type').notNull(),
    providerId: uuid('provider_id')
      .notNull()
      .references(() => providers.providerId, { onDelete: 'cascade' }),
    compact: text('compact').notNull(),
    jurisdiction: text('jurisdiction'),
    licenseType: text('license_type'),
    updateType: text('update_type').notNull(),
    previous: jsonb('previous').$type<Record<string, unknown>>().notNull(),
    updatedValues: jsonb('updated_values').$type<Record<string, unknown>>().notNull(),
    removedValues: text('removed_values').array(),
    deactivationDetails: jsonb('deactivation_details').$type<Record<string, unknown>>(),
    encumbranceDetails: jsonb('encumbrance_details').$type<Record<string, unknown>>(),
    investigationDetails: jsonb('investigation_details').$type<Record<string, unknown>>(),
    createDate: moment('create_date').notNull(),
    effectiveDate: moment('effective_date').notNull(),
    dateOfUpdate: moment('date_of_update').notNull(),
  },
  (table) => [index('update_records_provider_idx').on(table.providerId, table.recordType, table.jurisdiction, table.licenseType, table.effectiveDate)],
)

/** Adverse actions (§1.6). */
export const adverseActions = pgTable(
  'adverse_actions',
  {
    adverseActionId: uuid('adverse_action_id').primaryKey(),
    compact: text('compact').notNull(),
    providerId: uuid('provider_id')
      .notNull()
      .references(() => providers.providerId, { onDelete: 'cascade' }),
    jurisdiction: text('jurisdiction').notNull(),
    licenseType: text('license_type').notNull(),
    licenseTypeAbbreviation: text('license_type_abbreviation').notNull(),
    actionAgainst: text('action_against').notNull(),
    encumbranceType: text('encumbrance_type').notNull(),
    clinicalPrivilegeActionCategories: text('clinical_privilege_action_categories').array().notNull(),
    effectiveStartDate: day('effective_start_date').notNull(),
    submittingUser: text('submitting_user').notNull(),
    creationDate: moment('creation_date').notNull(),
    effectiveLiftDate: day('effective_lift_date'),
    liftingUser: text('lifting_user'),
    dateOfUpdate: moment('date_of_update').notNull(),
  },
  (table) => [index('adverse_actions_provider_idx').on(table.providerId)],
)

/** Investigations (§1.7). */
export const investigations = pgTable(
  'investigations',
  {
    investigationId: uuid('investigation_id').primaryKey(),
    compact: text('compact').notNull(),
    providerId: uuid('provider_id')
      .notNull()
      .references(() => providers.providerId, { onDelete: 'cascade' }),
    jurisdiction: text('jurisdiction').notNull(),
    licenseType: text('license_type').notNull(),
    investigationAgainst: text('investigation_against').notNull(),
    submittingUser: text('submitting_user').notNull(),
    creationDate: moment('creation_date').notNull(),
    closeDate: moment('close_date'),
    closingUser: text('closing_user'),
    resultingEncumbranceId: uuid('resulting_encumbrance_id'),
    dateOfUpdate: moment('date_of_update').notNull(),
  },
  (table) => [index('investigations_provider_idx').on(table.providerId)],
)

/** Military affiliations (§1.8). */
export const militaryAffiliations = pgTable(
  'military_affiliations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    providerId: uuid('provider_id')
      .notNull()
      .references(() => providers.providerId, { onDelete: 'cascade' }),
    compact: text('compact').notNull(),
    affiliationType: text('affiliation_type').notNull(),
    fileNames: text('file_names').array().notNull(),
    documentKeys: text('document_keys').array().notNull(),
    dateOfUpload: moment('date_of_upload').notNull(),
    status: text('status').notNull(),
    dateOfUpdate: moment('date_of_update').notNull(),
  },
  (table) => [index('military_affiliations_provider_idx').on(table.providerId, table.dateOfUpload)],
)

/**
 * The SSN vault (§1.12, §3.3): the only place a full SSN exists, encrypted with AES-256-GCM under `keyId`.
 * `ssnHmac` (HMAC-SHA-256 under a separate key) finds a provider by SSN without decrypting any row.
 */
export const ssnRecords = pgTable(
  'ssn_records',
  {
    compact: text('compact').notNull(),
    ssnHmac: text('ssn_hmac').notNull(),
    providerId: uuid('provider_id').notNull(),
    keyId: text('key_id').notNull(),
    /** base64 of iv (12 bytes) ‖ ciphertext ‖ tag (16 bytes). */
    ssnCiphertext: text('ssn_ciphertext').notNull(),
    createdAt: moment('created_at').notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.compact, table.ssnHmac] }), uniqueIndex('ssn_records_provider_uq').on(table.providerId)],
)

/** The compact-wide privilege number counter (§4.6: `{LTABBR}-{JUR}-{n}`). */
export const privilegeCounters = pgTable('privilege_counters', {
  compact: text('compact').primaryKey(),
  privilegeCount: bigint('privilege_count', { mode: 'number' }).notNull().default(0),
})

/** Compact configuration (§1.10); absent row = defaults. */
export const compactConfigurations = pgTable('compact_configurations', {
  compact: text('compact').primaryKey(),
  compactName: text('compact_name').notNull(),
  compactCommissionFee: jsonb('compact_commission_fee').$type<{ feeType: string; feeAmount: number | null }>().notNull(),
  transactionFeeConfiguration: jsonb('transaction_fee_configuration').$type<{ licenseeCharges: { active: boolean; chargeType: string; chargeAmount: number } }>(),
  compactOperationsTeamEmails: text('compact_operations_team_emails').array().notNull(),
  compactAdverseActionsNotificationEmails: text('compact_adverse_actions_notification_emails').array().notNull(),
  compactSummaryReportNotificationEmails: text('compact_summary_report_notification_emails').array().notNull(),
  licenseeRegistrationEnabled: boolean('licensee_registration_enabled').notNull().default(false),
  configuredStates: jsonb('configured_states').$type<{ postalAbbreviation: string; isLive: boolean }[]>().notNull().default([]),
  paymentProcessorPublicFields: jsonb('payment_processor_public_fields').$type<{ publicClientKey: string; apiLoginId: string }>(),
  dateOfUpdate: moment('date_of_update').notNull(),
})

/** Payment processor secrets (§2.5): stored, never returned. */
export const paymentProcessorCredentials = pgTable('payment_processor_credentials', {
  compact: text('compact').primaryKey(),
  processor: text('processor').notNull(),
  apiLoginId: text('api_login_id').notNull(),
  transactionKey: text('transaction_key').notNull(),
  dateOfUpdate: moment('date_of_update').notNull(),
})

/** Jurisdiction configuration (§1.10). */
export const jurisdictionConfigurations = pgTable(
  'jurisdiction_configurations',
  {
    compact: text('compact').notNull(),
    jurisdiction: text('jurisdiction').notNull(),
    jurisdictionName: text('jurisdiction_name').notNull(),
    privilegeFees: jsonb('privilege_fees').$type<{ licenseTypeAbbreviation: string; amount: number; militaryRate?: number | null }[]>().notNull(),
    jurisdictionOperationsTeamEmails: text('jurisdiction_operations_team_emails').array().notNull(),
    jurisdictionAdverseActionsNotificationEmails: text('jurisdiction_adverse_actions_notification_emails').array().notNull(),
    jurisdictionSummaryReportNotificationEmails: text('jurisdiction_summary_report_notification_emails').array().notNull(),
    licenseeRegistrationEnabled: boolean('licensee_registration_enabled').notNull().default(false),
    jurisprudenceRequirements: jsonb('jurisprudence_requirements').$type<{ required: boolean; linkToDocumentation?: string | null }>().notNull(),
    dateOfUpdate: moment('date_of_update').notNull(),
  },
  (table) => [primaryKey({ columns: [table.compact, table.jurisdiction] })],
)

/** Attestations (§1.9): versioned per compact and locale; latest = highest version. */
export const attestations = pgTable(
  'attestations',
  {
    compact: text('compact').notNull(),
    locale: text('locale').notNull(),
    attestationId: text('attestation_id').notNull(),
    version: integer('version').notNull(),
    dateCreated: moment('date_created').notNull(),
    text: text('text').notNull(),
    required: boolean('required').notNull(),
    displayName: text('display_name').notNull(),
    description: text('description').notNull(),
    dateOfUpdate: moment('date_of_update').notNull(),
  },
  (table) => [primaryKey({ columns: [table.compact, table.locale, table.attestationId, table.version] })],
)

/** State API signature public keys (§2.7): several per jurisdiction for rotation. */
export const signatureKeys = pgTable(
  'signature_keys',
  {
    compact: text('compact').notNull(),
    jurisdiction: text('jurisdiction').notNull(),
    keyId: text('key_id').notNull(),
    publicKeyPem: text('public_key_pem').notNull(),
    createdAt: moment('created_at').notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.compact, table.jurisdiction, table.keyId] })],
)

/** Used signature nonces (§2.7): single use per compact/jurisdiction, kept until `expiresAt`. */
export const signatureNonces = pgTable(
  'signature_nonces',
  {
    compact: text('compact').notNull(),
    jurisdiction: text('jurisdiction').notNull(),
    nonce: text('nonce').notNull(),
    expiresAt: moment('expires_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.compact, table.jurisdiction, table.nonce] }), index('signature_nonces_expiry_idx').on(table.expiresAt)],
)

/** Staff users (§1.11): one record per (user, compact). `permissions` = `{actions: [...], jurisdictions: {j: [...]}}`. */
export const staffUsers = pgTable(
  'staff_users',
  {
    userId: uuid('user_id').notNull(),
    compact: text('compact').notNull(),
    email: text('email').notNull(),
    givenName: text('given_name').notNull(),
    familyName: text('family_name').notNull(),
    permissions: jsonb('permissions').$type<{ actions: string[]; jurisdictions: Record<string, string[]> }>().notNull(),
    status: text('status').notNull().default('inactive'),
    famGiv: text('fam_giv').notNull(),
    dateOfUpdate: moment('date_of_update').notNull(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.compact] }), index('staff_users_compact_name_idx').on(table.compact, table.famGiv)],
)

/**
 * The built-in identity service's users (staff and provider pools; CC-B's auth module owns the behaviour).
 * `sub` is the stable id; `username` is unique per pool (case-insensitive).
 */
export const identities = pgTable(
  'identities',
  {
    sub: uuid('sub').primaryKey(),
    pool: text('pool').notNull(),
    username: text('username').notNull(),
    email: text('email').notNull(),
    passwordHash: text('password_hash'),
    /** `FORCE_CHANGE_PASSWORD` until the invitee sets a password, then `CONFIRMED`. */
    status: text('status').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    attributes: jsonb('attributes').$type<Record<string, string>>().notNull().default({}),
    createdAt: moment('created_at').notNull().defaultNow(),
    updatedAt: moment('updated_at').notNull().defaultNow(),
  },
  (table) => [uniqueIndex('identities_pool_username_uq').on(table.pool, sql`lower(${table.username})`)],
)

/** State API app clients (client credentials, §9.11). */
export const appClients = pgTable('app_clients', {
  clientId: text('client_id').primaryKey(),
  clientSecretHash: text('client_secret_hash').notNull(),
  allowedScopes: text('allowed_scopes').array().notNull(),
  createdAt: moment('created_at').notNull().defaultNow(),
})

/** Rate-limit attempts kept in the database so limits hold across processes (§4.14). */
export const rateLimitEvents = pgTable(
  'rate_limit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    bucket: text('bucket').notNull(),
    subject: text('subject').notNull(),
    at: moment('at').notNull().defaultNow(),
  },
  (table) => [index('rate_limit_events_bucket_idx').on(table.bucket, table.subject, table.at)],
)

/** Operational switches that must hold across processes (e.g. the SSN endpoint shut-off, §4.14). */
export const systemFlags = pgTable('system_flags', {
  name: text('name').primaryKey(),
  value: jsonb('value').$type<Record<string, unknown>>().notNull(),
  setAt: moment('set_at').notNull().defaultNow(),
})

/** Feature flags (§4.16): same flag names as the original's StatSig gates. */
export const featureFlags = pgTable('feature_flags', {
  flagId: text('flag_id').primaryKey(),
  enabled: boolean('enabled').notNull().default(false),
  customAttributes: jsonb('custom_attributes').$type<Record<string, unknown>>(),
})

/** Privilege purchase transactions (§4.6 step 10: recorded for reconciliation). */
export const transactions = pgTable(
  'transactions',
  {
    compact: text('compact').notNull(),
    transactionId: text('transaction_id').notNull(),
    providerId: uuid('provider_id').notNull(),
    status: text('status').notNull(),
    amountCents: integer('amount_cents').notNull(),
    lineItems: jsonb('line_items').$type<Record<string, unknown>[]>().notNull(),
    privilegeIds: text('privilege_ids')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    createdAt: moment('created_at').notNull().defaultNow(),
    settledAt: moment('settled_at'),
  },
  (table) => [primaryKey({ columns: [table.compact, table.transactionId] }), index('transactions_provider_idx').on(table.providerId)],
)

/** Data events (§1.12, §5): `license.validation-error`, `license.ingest-failure`, … per compact/jurisdiction, with expiry. */
export const dataEvents = pgTable(
  'data_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    compact: text('compact').notNull(),
    jurisdiction: text('jurisdiction').notNull(),
    eventType: text('event_type').notNull(),
    eventTime: moment('event_time').notNull(),
    /** Upload that produced it (CSV bulk uploads), for progress reporting. */
    uploadId: uuid('upload_id'),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull(),
    expiresAt: moment('expires_at').notNull(),
    /** cc-mail-jobs: hash of (event name, payload) for events recorded from the bus, stored once however many processes receive them. */
    eventKey: text('event_key'),
  },
  (table) => [
    index('data_events_jurisdiction_idx').on(table.compact, table.jurisdiction, table.eventType, table.eventTime),
    index('data_events_upload_idx').on(table.uploadId),
    // cc-mail-jobs: once-only recording from the bus, and the daily purge.
    uniqueIndex('data_events_event_key_uq').on(table.eventKey, table.jurisdiction),
    index('data_events_expires_idx').on(table.expiresAt),
  ],
)

/**
 * The bytes of an accepted CSV upload until its job has ingested them (the S3 object's role): stored in chunks, so
 * the upload request ends as soon as the file has arrived and any process can stream it; deleted after processing.
 */
export const uploadChunks = pgTable(
  'upload_chunks',
  {
    uploadId: uuid('upload_id').notNull(),
    sequence: integer('sequence').notNull(),
    data: bytea('data').notNull(),
  },
  (table) => [primaryKey({ columns: [table.uploadId, table.sequence] })],
)

/** CSV bulk uploads (§4.1 channel 2, §9.9): one row per accepted file, with progress counters. */
export const licenseUploads = pgTable(
  'license_uploads',
  {
    uploadId: uuid('upload_id').primaryKey(),
    compact: text('compact').notNull(),
    jurisdiction: text('jurisdiction').notNull(),
    objectKey: text('object_key').notNull(),
    status: text('status').notNull(),
    rowsRead: integer('rows_read').notNull().default(0),
    rowsValid: integer('rows_valid').notNull().default(0),
    rowsInvalid: integer('rows_invalid').notNull().default(0),
    failure: text('failure'),
    createdAt: moment('created_at').notNull().defaultNow(),
    finishedAt: moment('finished_at'),
  },
  (table) => [uniqueIndex('license_uploads_object_key_uq').on(table.objectKey)],
)

// ---- cc-ingest (ingest throughput, previousSSN, feature flags) ----
/**
 * The CSV upload batches already committed: the row is inserted in the batch's own transaction, so a retried or
 * concurrently re-run `license.upload` job skips a batch that committed (its licenses, validation errors and
 * progress counters are written once).
 */
export const uploadBatches = pgTable(
  'upload_batches',
  {
    uploadId: uuid('upload_id').notNull(),
    batch: integer('batch').notNull(),
    committedAt: moment('committed_at').notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.uploadId, table.batch] })],
)
// ---- end cc-ingest ----

/**
 * The hosted login's server-side grants (CC-B): authorization codes (PKCE) and refresh tokens, stored
 * by hash so any process can redeem them; single use (`usedAt`), short-lived (`expiresAt`).
 */
export const oauthGrants = pgTable(
  'oauth_grants',
  {
    tokenHash: text('token_hash').primaryKey(),
    kind: text('kind').notNull(),
    pool: text('pool').notNull(),
    sub: uuid('sub').notNull(),
    clientId: text('client_id').notNull(),
    redirectUri: text('redirect_uri'),
    codeChallenge: text('code_challenge'),
    scope: text('scope').notNull(),
    expiresAt: moment('expires_at').notNull(),
    usedAt: moment('used_at'),
    createdAt: moment('created_at').notNull().defaultNow(),
  },
  (table) => [index('oauth_grants_sub_idx').on(table.pool, table.sub)],
)

// ---- cc-mail-jobs (issue 11 part 2): notification deliveries, settlement and transaction history ----

/**
 * §4.15: which recipients a `notification.send` job has already mailed (`jobKey` = the job's id), so a retried job
 * sends only to the recipients it has not reached yet (the original's event-state table).
 */
export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    jobKey: text('job_key').notNull(),
    recipient: text('recipient').notNull(),
    template: text('template').notNull(),
    sentAt: moment('sent_at').notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.jobKey, table.recipient] })],
)

/** §5 settlement collection: per compact, the settlement time up to which Authorize.Net batches were collected. */
export const settlementCursors = pgTable('settlement_cursors', {
  compact: text('compact').primaryKey(),
  collectedThrough: moment('collected_through').notNull(),
  dateOfUpdate: moment('date_of_update').notNull(),
})

/**
 * §1.12/§5 transaction history: one row per settled Authorize.Net transaction, mapped to its privileges through
 * the recorded purchase (`transactions`), with the licensee's name and line items as they were at settlement.
 */
export const transactionHistory = pgTable(
  'transaction_history',
  {
    compact: text('compact').notNull(),
    transactionId: text('transaction_id').notNull(),
    batchId: text('batch_id').notNull(),
    batchSettlementState: text('batch_settlement_state').notNull(),
    settlementTime: moment('settlement_time').notNull(),
    /** `YYYY-MM` of the settlement (the original's partition). */
    month: text('month').notNull(),
    transactionStatus: text('transaction_status').notNull(),
    settleAmountCents: integer('settle_amount_cents').notNull(),
    submitTime: moment('submit_time'),
    providerId: uuid('provider_id'),
    licenseeFirstName: text('licensee_first_name'),
    licenseeLastName: text('licensee_last_name'),
    /** The purchase's line items (cents), as recorded. */
    lineItems: jsonb('line_items').$type<Record<string, unknown>[]>().notNull(),
    privileges: jsonb('privileges').$type<{ jurisdiction: string; privilegeId: string }[]>().notNull(),
    collectedAt: moment('collected_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.compact, table.transactionId] }), index('transaction_history_settlement_idx').on(table.compact, table.settlementTime)],
)
// ---- end cc-mail-jobs ----
// ---- cc-enforcement (issue 11: encumbrances, investigations, deactivation, home-jurisdiction change, military) ----

/**
 * Military affiliation documents received through the app's own upload form (§4.11; the S3 objects' role). One row
 * per document key: a key is uploaded once (the signed form is single-use), the bytes live in the document store
 * under `DATA_DIR`, this row says what arrived.
 */
export const militaryDocuments = pgTable(
  'military_documents',
  {
    documentKey: text('document_key').primaryKey(),
    providerId: uuid('provider_id')
      .notNull()
      .references(() => providers.providerId, { onDelete: 'cascade' }),
    compact: text('compact').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    uploadedAt: moment('uploaded_at').notNull(),
  },
  (table) => [index('military_documents_provider_idx').on(table.providerId)],
)
// ---- cc-identity: hosted-login challenges, MFA (TOTP) and one-time codes ----------------------------------------

/**
 * An identity's TOTP authenticator (Cognito's software-token MFA): `confirmedAt` null while enrolment is pending
 * (secret shown, no code checked yet). `lastStep` is the 30-second step of the last accepted code, so a code is
 * never accepted twice.
 */
export const identityMfa = pgTable('identity_mfa', {
  sub: uuid('sub').primaryKey(),
  secret: text('secret').notNull(),
  confirmedAt: moment('confirmed_at'),
  lastStep: bigint('last_step', { mode: 'number' }),
  createdAt: moment('created_at').notNull().defaultNow(),
})

/**
 * One-time secrets of an identity, kept hashed: the temporary password of an invitation or registration
 * (`temporary-password`, valid `CC_TEMPORARY_PASSWORD_DAYS`) and forgotten-password codes (`forgot-password`, one
 * hour). Single use (`usedAt`); wrong guesses are counted (`attempts`) and a code dies after the fifth.
 */
export const identityCodes = pgTable(
  'identity_codes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sub: uuid('sub').notNull(),
    purpose: text('purpose').notNull(),
    codeHash: text('code_hash').notNull(),
    attempts: integer('attempts').notNull().default(0),
    expiresAt: moment('expires_at').notNull(),
    usedAt: moment('used_at'),
    createdAt: moment('created_at').notNull().defaultNow(),
  },
  (table) => [index('identity_codes_sub_idx').on(table.sub, table.purpose)],
)

/**
 * A hosted login between the password and the authorization code (Cognito's auth `Session`): the step still owed
 * (`NEW_PASSWORD_REQUIRED`, `MFA_SETUP`, `SOFTWARE_TOKEN_MFA`) and the login request it will answer. Stored by hash
 * of the opaque session the page carries, short-lived, five wrong answers end it.
 */
export const loginChallenges = pgTable(
  'login_challenges',
  {
    sessionHash: text('session_hash').primaryKey(),
    pool: text('pool').notNull(),
    sub: uuid('sub').notNull(),
    kind: text('kind').notNull(),
    request: jsonb('request').$type<{ clientId: string; redirectUri: string; codeChallenge: string; scope: string; state: string }>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    expiresAt: moment('expires_at').notNull(),
    createdAt: moment('created_at').notNull().defaultNow(),
  },
  (table) => [index('login_challenges_sub_idx').on(table.sub)],
)
// ---- end cc-identity ----------------------------------------------------------------------------------------------
// ---- search (cc-search, issue 11 part 2). The search API (§2.8), the public lookup and the export read the
// tables above; their PostgreSQL-only parts (pg_trgm and unaccent, the name-folding function `cc_search_fold`, the
// generated columns `providers.family_name_folded` / `given_name_folded` with trigram indexes, keyword-order/npi/
// license-number indexes) are the hand-written block at the end of migration 0003, which drizzle-kit cannot express.
// The generated columns are left out of the table above on purpose: no code writes them. ----

/**
 * A privilege export (§2.8) waiting to be downloaded: the original wrote a CSV to S3 and answered a 60-second
 * presigned URL; here the URL names this row (an unguessable token) and the CSV is streamed when it is fetched.
 */
export const privilegeExports = pgTable(
  'privilege_exports',
  {
    token: text('token').primaryKey(),
    compact: text('compact').notNull(),
    requestedBy: text('requested_by').notNull(),
    query: jsonb('query').$type<unknown>().notNull(),
    createdAt: moment('created_at').notNull(),
    expiresAt: moment('expires_at').notNull(),
  },
  (table) => [index('privilege_exports_expires_idx').on(table.expiresAt)],
)

// ---- cc-s3-rollback: license upload rollback (§5 "other ops", #1188) ----
/** One rollback run per execution name (the original's Step Function execution): its input and where it stands. */
export const rollbackExecutions = pgTable('rollback_executions', {
  executionName: text('execution_name').primaryKey(),
  compact: text('compact').notNull(),
  jurisdiction: text('jurisdiction').notNull(),
  startDateTime: moment('start_date_time').notNull(),
  endDateTime: moment('end_date_time').notNull(),
  rollbackReason: text('rollback_reason').notNull(),
  /** `queued` → `complete` (results written) or `failed`. */
  status: text('status').notNull(),
  resultsKey: text('results_key'),
  createdAt: moment('created_at').notNull().defaultNow(),
  finishedAt: moment('finished_at'),
})

/**
 * Each provider's outcome in a rollback (`reverted` | `skipped` | `failed`), inserted in the transaction that reverts
 * it: a run resumed after a crash skips providers already done, so no provider is reverted twice.
 */
export const rollbackProviderResults = pgTable(
  'rollback_provider_results',
  {
    executionName: text('execution_name')
      .notNull()
      .references(() => rollbackExecutions.executionName, { onDelete: 'cascade' }),
    providerId: uuid('provider_id').notNull(),
    outcome: text('outcome').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull(),
    processedAt: moment('processed_at').notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.executionName, table.providerId] })],
)
