CREATE TABLE "adverse_actions" (
	"adverse_action_id" uuid PRIMARY KEY NOT NULL,
	"compact" text NOT NULL,
	"provider_id" uuid NOT NULL,
	"jurisdiction" text NOT NULL,
	"license_type" text NOT NULL,
	"license_type_abbreviation" text NOT NULL,
	"action_against" text NOT NULL,
	"encumbrance_type" text NOT NULL,
	"clinical_privilege_action_categories" text[] NOT NULL,
	"effective_start_date" date NOT NULL,
	"submitting_user" text NOT NULL,
	"creation_date" timestamp with time zone NOT NULL,
	"effective_lift_date" date,
	"lifting_user" text,
	"date_of_update" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "app_clients" (
	"client_id" text PRIMARY KEY NOT NULL,
	"client_secret_hash" text NOT NULL,
	"allowed_scopes" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "attestations" (
	"compact" text NOT NULL,
	"locale" text NOT NULL,
	"attestation_id" text NOT NULL,
	"version" integer NOT NULL,
	"date_created" timestamp with time zone NOT NULL,
	"text" text NOT NULL,
	"required" boolean NOT NULL,
	"display_name" text NOT NULL,
	"description" text NOT NULL,
	"date_of_update" timestamp with time zone NOT NULL,
	CONSTRAINT "attestations_compact_locale_attestation_id_version_pk" PRIMARY KEY("compact","locale","attestation_id","version")
);
--> statement-breakpoint
CREATE TABLE "compact_configurations" (
	"compact" text PRIMARY KEY NOT NULL,
	"compact_name" text NOT NULL,
	"compact_commission_fee" jsonb NOT NULL,
	"transaction_fee_configuration" jsonb,
	"compact_operations_team_emails" text[] NOT NULL,
	"compact_adverse_actions_notification_emails" text[] NOT NULL,
	"compact_summary_report_notification_emails" text[] NOT NULL,
	"licensee_registration_enabled" boolean DEFAULT false NOT NULL,
	"configured_states" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"payment_processor_public_fields" jsonb,
	"date_of_update" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "data_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"compact" text NOT NULL,
	"jurisdiction" text NOT NULL,
	"event_type" text NOT NULL,
	"event_time" timestamp with time zone NOT NULL,
	"upload_id" uuid,
	"detail" jsonb NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "feature_flags" (
	"flag_id" text PRIMARY KEY NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"custom_attributes" jsonb
);
--> statement-breakpoint
CREATE TABLE "identities" (
	"sub" uuid PRIMARY KEY NOT NULL,
	"pool" text NOT NULL,
	"username" text NOT NULL,
	"email" text NOT NULL,
	"password_hash" text,
	"status" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "investigations" (
	"investigation_id" uuid PRIMARY KEY NOT NULL,
	"compact" text NOT NULL,
	"provider_id" uuid NOT NULL,
	"jurisdiction" text NOT NULL,
	"license_type" text NOT NULL,
	"investigation_against" text NOT NULL,
	"submitting_user" text NOT NULL,
	"creation_date" timestamp with time zone NOT NULL,
	"close_date" timestamp with time zone,
	"closing_user" text,
	"resulting_encumbrance_id" uuid,
	"date_of_update" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jurisdiction_configurations" (
	"compact" text NOT NULL,
	"jurisdiction" text NOT NULL,
	"jurisdiction_name" text NOT NULL,
	"privilege_fees" jsonb NOT NULL,
	"jurisdiction_operations_team_emails" text[] NOT NULL,
	"jurisdiction_adverse_actions_notification_emails" text[] NOT NULL,
	"jurisdiction_summary_report_notification_emails" text[] NOT NULL,
	"licensee_registration_enabled" boolean DEFAULT false NOT NULL,
	"jurisprudence_requirements" jsonb NOT NULL,
	"date_of_update" timestamp with time zone NOT NULL,
	CONSTRAINT "jurisdiction_configurations_compact_jurisdiction_pk" PRIMARY KEY("compact","jurisdiction")
);
--> statement-breakpoint
CREATE TABLE "license_uploads" (
	"upload_id" uuid PRIMARY KEY NOT NULL,
	"compact" text NOT NULL,
	"jurisdiction" text NOT NULL,
	"object_key" text NOT NULL,
	"status" text NOT NULL,
	"rows_read" integer DEFAULT 0 NOT NULL,
	"rows_valid" integer DEFAULT 0 NOT NULL,
	"rows_invalid" integer DEFAULT 0 NOT NULL,
	"failure" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "licenses" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"provider_id" uuid NOT NULL,
	"compact" text NOT NULL,
	"jurisdiction" text NOT NULL,
	"license_type" text NOT NULL,
	"license_number" text,
	"npi" text,
	"ssn_last_four" text NOT NULL,
	"given_name" text NOT NULL,
	"middle_name" text,
	"family_name" text NOT NULL,
	"suffix" text,
	"date_of_issuance" date NOT NULL,
	"date_of_renewal" date,
	"date_of_expiration" date NOT NULL,
	"date_of_birth" date NOT NULL,
	"home_address_street1" text NOT NULL,
	"home_address_street2" text,
	"home_address_city" text NOT NULL,
	"home_address_state" text NOT NULL,
	"home_address_postal_code" text NOT NULL,
	"email_address" text,
	"phone_number" text,
	"license_status_name" text,
	"jurisdiction_uploaded_license_status" text NOT NULL,
	"jurisdiction_uploaded_compact_eligibility" text NOT NULL,
	"encumbered_status" text,
	"investigation_status" text,
	"first_upload_date" timestamp with time zone,
	"date_of_update" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "military_affiliations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"provider_id" uuid NOT NULL,
	"compact" text NOT NULL,
	"affiliation_type" text NOT NULL,
	"file_names" text[] NOT NULL,
	"document_keys" text[] NOT NULL,
	"date_of_upload" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"date_of_update" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payment_processor_credentials" (
	"compact" text PRIMARY KEY NOT NULL,
	"processor" text NOT NULL,
	"api_login_id" text NOT NULL,
	"transaction_key" text NOT NULL,
	"date_of_update" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "privilege_counters" (
	"compact" text PRIMARY KEY NOT NULL,
	"privilege_count" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "privileges" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"provider_id" uuid NOT NULL,
	"compact" text NOT NULL,
	"jurisdiction" text NOT NULL,
	"license_jurisdiction" text NOT NULL,
	"license_type" text NOT NULL,
	"date_of_issuance" timestamp with time zone NOT NULL,
	"date_of_renewal" timestamp with time zone NOT NULL,
	"date_of_expiration" date NOT NULL,
	"compact_transaction_id" text,
	"attestations" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"privilege_id" text NOT NULL,
	"administrator_set_status" text DEFAULT 'active' NOT NULL,
	"encumbered_status" text,
	"investigation_status" text,
	"home_jurisdiction_change_status" text,
	"license_deactivated_status" text,
	"date_of_update" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "providers" (
	"provider_id" uuid PRIMARY KEY NOT NULL,
	"compact" text NOT NULL,
	"license_jurisdiction" text NOT NULL,
	"jurisdiction_uploaded_license_status" text NOT NULL,
	"jurisdiction_uploaded_compact_eligibility" text NOT NULL,
	"encumbered_status" text,
	"ssn_last_four" text NOT NULL,
	"npi" text,
	"given_name" text NOT NULL,
	"middle_name" text,
	"family_name" text NOT NULL,
	"suffix" text,
	"date_of_expiration" date NOT NULL,
	"date_of_birth" date NOT NULL,
	"compact_connect_registered_email_address" text,
	"pending_email_address" text,
	"email_verification_code" text,
	"email_verification_expiry" timestamp with time zone,
	"recovery_token" text,
	"recovery_expiry" timestamp with time zone,
	"military_status" text,
	"military_status_note" text,
	"privilege_jurisdictions" text[] DEFAULT '{}'::text[] NOT NULL,
	"current_home_jurisdiction" text DEFAULT 'unknown' NOT NULL,
	"birth_month_day" text NOT NULL,
	"provider_fam_giv_mid" text NOT NULL,
	"provider_date_of_update" timestamp with time zone NOT NULL,
	"date_of_update" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rate_limit_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"bucket" text NOT NULL,
	"subject" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signature_keys" (
	"compact" text NOT NULL,
	"jurisdiction" text NOT NULL,
	"key_id" text NOT NULL,
	"public_key_pem" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "signature_keys_compact_jurisdiction_key_id_pk" PRIMARY KEY("compact","jurisdiction","key_id")
);
--> statement-breakpoint
CREATE TABLE "signature_nonces" (
	"compact" text NOT NULL,
	"jurisdiction" text NOT NULL,
	"nonce" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "signature_nonces_compact_jurisdiction_nonce_pk" PRIMARY KEY("compact","jurisdiction","nonce")
);
--> statement-breakpoint
CREATE TABLE "ssn_records" (
	"compact" text NOT NULL,
	"ssn_hmac" text NOT NULL,
	"provider_id" uuid NOT NULL,
	"key_id" text NOT NULL,
	"ssn_ciphertext" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ssn_records_compact_ssn_hmac_pk" PRIMARY KEY("compact","ssn_hmac")
);
--> statement-breakpoint
CREATE TABLE "staff_users" (
	"user_id" uuid NOT NULL,
	"compact" text NOT NULL,
	"email" text NOT NULL,
	"given_name" text NOT NULL,
	"family_name" text NOT NULL,
	"permissions" jsonb NOT NULL,
	"status" text DEFAULT 'inactive' NOT NULL,
	"fam_giv" text NOT NULL,
	"date_of_update" timestamp with time zone NOT NULL,
	CONSTRAINT "staff_users_user_id_compact_pk" PRIMARY KEY("user_id","compact")
);
--> statement-breakpoint
CREATE TABLE "system_flags" (
	"name" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"set_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "transactions" (
	"compact" text NOT NULL,
	"transaction_id" text NOT NULL,
	"provider_id" uuid NOT NULL,
	"status" text NOT NULL,
	"amount_cents" integer NOT NULL,
	"line_items" jsonb NOT NULL,
	"privilege_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"settled_at" timestamp with time zone,
	CONSTRAINT "transactions_compact_transaction_id_pk" PRIMARY KEY("compact","transaction_id")
);
--> statement-breakpoint
CREATE TABLE "update_records" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"record_type" text NOT NULL,
	"provider_id" uuid NOT NULL,
	"compact" text NOT NULL,
	"jurisdiction" text,
	"license_type" text,
	"update_type" text NOT NULL,
	"previous" jsonb NOT NULL,
	"updated_values" jsonb NOT NULL,
	"removed_values" text[],
	"deactivation_details" jsonb,
	"encumbrance_details" jsonb,
	"investigation_details" jsonb,
	"create_date" timestamp with time zone NOT NULL,
	"effective_date" timestamp with time zone NOT NULL,
	"date_of_update" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "adverse_actions" ADD CONSTRAINT "adverse_actions_provider_id_providers_provider_id_fk" FOREIGN KEY ("provider_id") REFERENCES "providers"("provider_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "investigations" ADD CONSTRAINT "investigations_provider_id_providers_provider_id_fk" FOREIGN KEY ("provider_id") REFERENCES "providers"("provider_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "licenses" ADD CONSTRAINT "licenses_provider_id_providers_provider_id_fk" FOREIGN KEY ("provider_id") REFERENCES "providers"("provider_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "military_affiliations" ADD CONSTRAINT "military_affiliations_provider_id_providers_provider_id_fk" FOREIGN KEY ("provider_id") REFERENCES "providers"("provider_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "privileges" ADD CONSTRAINT "privileges_provider_id_providers_provider_id_fk" FOREIGN KEY ("provider_id") REFERENCES "providers"("provider_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "update_records" ADD CONSTRAINT "update_records_provider_id_providers_provider_id_fk" FOREIGN KEY ("provider_id") REFERENCES "providers"("provider_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "adverse_actions_provider_idx" ON "adverse_actions" USING btree ("provider_id");--> statement-breakpoint
CREATE INDEX "data_events_jurisdiction_idx" ON "data_events" USING btree ("compact","jurisdiction","event_type","event_time");--> statement-breakpoint
CREATE INDEX "data_events_upload_idx" ON "data_events" USING btree ("upload_id");--> statement-breakpoint
CREATE UNIQUE INDEX "identities_pool_username_uq" ON "identities" USING btree ("pool",lower("username"));--> statement-breakpoint
CREATE INDEX "investigations_provider_idx" ON "investigations" USING btree ("provider_id");--> statement-breakpoint
CREATE UNIQUE INDEX "license_uploads_object_key_uq" ON "license_uploads" USING btree ("object_key");--> statement-breakpoint
CREATE UNIQUE INDEX "licenses_provider_jurisdiction_type_uq" ON "licenses" USING btree ("provider_id","jurisdiction","license_type");--> statement-breakpoint
CREATE INDEX "licenses_registration_idx" ON "licenses" USING btree ("compact","jurisdiction",lower("family_name"),lower("given_name"));--> statement-breakpoint
CREATE INDEX "licenses_first_upload_idx" ON "licenses" USING btree ("compact","jurisdiction","first_upload_date");--> statement-breakpoint
CREATE INDEX "military_affiliations_provider_idx" ON "military_affiliations" USING btree ("provider_id","date_of_upload");--> statement-breakpoint
CREATE UNIQUE INDEX "privileges_provider_jurisdiction_type_uq" ON "privileges" USING btree ("provider_id","jurisdiction","license_type");--> statement-breakpoint
CREATE UNIQUE INDEX "privileges_compact_privilege_id_uq" ON "privileges" USING btree ("compact","privilege_id");--> statement-breakpoint
CREATE INDEX "privileges_compact_transaction_idx" ON "privileges" USING btree ("compact","compact_transaction_id");--> statement-breakpoint
CREATE INDEX "privileges_compact_jurisdiction_idx" ON "privileges" USING btree ("compact","jurisdiction");--> statement-breakpoint
CREATE INDEX "providers_compact_name_idx" ON "providers" USING btree ("compact","provider_fam_giv_mid");--> statement-breakpoint
CREATE INDEX "providers_compact_updated_idx" ON "providers" USING btree ("compact","provider_date_of_update");--> statement-breakpoint
CREATE INDEX "providers_compact_license_jurisdiction_idx" ON "providers" USING btree ("compact","license_jurisdiction");--> statement-breakpoint
CREATE INDEX "providers_registered_email_idx" ON "providers" USING btree ("compact_connect_registered_email_address");--> statement-breakpoint
CREATE INDEX "rate_limit_events_bucket_idx" ON "rate_limit_events" USING btree ("bucket","subject","at");--> statement-breakpoint
CREATE INDEX "signature_nonces_expiry_idx" ON "signature_nonces" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "ssn_records_provider_uq" ON "ssn_records" USING btree ("provider_id");--> statement-breakpoint
CREATE INDEX "staff_users_compact_name_idx" ON "staff_users" USING btree ("compact","fam_giv");--> statement-breakpoint
CREATE INDEX "transactions_provider_idx" ON "transactions" USING btree ("provider_id");--> statement-breakpoint
CREATE INDEX "update_records_provider_idx" ON "update_records" USING btree ("provider_id","record_type","jurisdiction","license_type","effective_date");