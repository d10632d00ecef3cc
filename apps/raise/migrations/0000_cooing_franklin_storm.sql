CREATE TABLE "donations" (
	"id" text PRIMARY KEY NOT NULL,
	"fundraiser_id" text NOT NULL,
	"donor_name" text NOT NULL,
	"donor_email" text NOT NULL,
	"email_consent_informational" boolean NOT NULL,
	"email_consent_marketing" boolean NOT NULL,
	"created_at" bigint NOT NULL,
	"address_line1" text,
	"address_line2" text,
	"address_line3" text,
	"address_postcode" text,
	"address_country" text,
	"gift_aid" boolean NOT NULL,
	"comment" text,
	"donation_amount" double precision NOT NULL,
	"match_funding_amount" bigint NOT NULL,
	"contribution_amount" bigint NOT NULL,
	"recurring_amount" bigint,
	"recurrence_frequency" text,
	"stripe_customer_id" text,
	"stripe_payment_method_id" text,
	"charity" text NOT NULL,
	"overall_public" boolean NOT NULL,
	"name_public" boolean NOT NULL,
	"donation_amount_public" boolean NOT NULL,
	"donation_counted" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fundraisers" (
	"id" text PRIMARY KEY NOT NULL,
	"internal_name" text NOT NULL,
	"public_name" text NOT NULL,
	"active_from" bigint NOT NULL,
	"active_to" bigint NOT NULL,
	"recurring_donations_to" bigint NOT NULL,
	"paused" boolean NOT NULL,
	"currency" text NOT NULL,
	"goal" bigint NOT NULL,
	"total_raised" bigint NOT NULL,
	"donations_count" bigint NOT NULL,
	"match_funding_rate" bigint NOT NULL,
	"match_funding_per_donation_limit" bigint,
	"match_funding_remaining" bigint,
	"minimum_donation_amount" bigint,
	"suggested_donation_amount_one_off" bigint NOT NULL,
	"suggested_donation_amount_weekly" bigint NOT NULL,
	"suggested_contribution_amount" bigint,
	"event_link" text,
	"more_involved_link" text,
	"archived" boolean NOT NULL,
	"groups_with_access" text[] NOT NULL
);
--> statement-breakpoint
CREATE TABLE "groups" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"id" text PRIMARY KEY NOT NULL,
	"donation_id" text NOT NULL,
	"fundraiser_id" text NOT NULL,
	"at" bigint NOT NULL,
	"donation_amount" bigint NOT NULL,
	"contribution_amount" bigint NOT NULL,
	"match_funding_amount" bigint,
	"method" text NOT NULL,
	"reference" text,
	"status" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"groups" text[] NOT NULL,
	"security_training_completed_at" bigint NOT NULL,
	"send_account_creation_email" boolean
);
--> statement-breakpoint
CREATE INDEX "donations_fundraiser_idx" ON "donations" USING btree ("fundraiser_id","id");--> statement-breakpoint
CREATE INDEX "payments_donation_idx" ON "payments" USING btree ("donation_id","id");--> statement-breakpoint
CREATE INDEX "payments_due_idx" ON "payments" USING btree ("status","method","at");--> statement-breakpoint
CREATE INDEX "users_email_idx" ON "users" USING btree ("email","id");