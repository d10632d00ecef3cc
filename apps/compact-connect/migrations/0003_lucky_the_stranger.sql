CREATE TABLE "notification_deliveries" (
	"job_key" text NOT NULL,
	"recipient" text NOT NULL,
	"template" text NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_deliveries_job_key_recipient_pk" PRIMARY KEY("job_key","recipient")
);
--> statement-breakpoint
CREATE TABLE "settlement_cursors" (
	"compact" text PRIMARY KEY NOT NULL,
	"collected_through" timestamp with time zone NOT NULL,
	"date_of_update" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "transaction_history" (
	"compact" text NOT NULL,
	"transaction_id" text NOT NULL,
	"batch_id" text NOT NULL,
	"batch_settlement_state" text NOT NULL,
	"settlement_time" timestamp with time zone NOT NULL,
	"month" text NOT NULL,
	"transaction_status" text NOT NULL,
	"settle_amount_cents" integer NOT NULL,
	"submit_time" timestamp with time zone,
	"provider_id" uuid,
	"licensee_first_name" text,
	"licensee_last_name" text,
	"line_items" jsonb NOT NULL,
	"privileges" jsonb NOT NULL,
	"collected_at" timestamp with time zone NOT NULL,
	CONSTRAINT "transaction_history_compact_transaction_id_pk" PRIMARY KEY("compact","transaction_id")
);
--> statement-breakpoint
ALTER TABLE "data_events" ADD COLUMN "event_key" text;--> statement-breakpoint
CREATE INDEX "transaction_history_settlement_idx" ON "transaction_history" USING btree ("compact","settlement_time");--> statement-breakpoint
CREATE UNIQUE INDEX "data_events_event_key_uq" ON "data_events" USING btree ("event_key","jurisdiction");--> statement-breakpoint
CREATE INDEX "data_events_expires_idx" ON "data_events" USING btree ("expires_at");