CREATE TABLE "rollback_executions" (
	"execution_name" text PRIMARY KEY NOT NULL,
	"compact" text NOT NULL,
	"jurisdiction" text NOT NULL,
	"start_date_time" timestamp with time zone NOT NULL,
	"end_date_time" timestamp with time zone NOT NULL,
	"rollback_reason" text NOT NULL,
	"status" text NOT NULL,
	"results_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "rollback_provider_results" (
	"execution_name" text NOT NULL,
	"provider_id" uuid NOT NULL,
	"outcome" text NOT NULL,
	"detail" jsonb NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rollback_provider_results_execution_name_provider_id_pk" PRIMARY KEY("execution_name","provider_id")
);
--> statement-breakpoint
ALTER TABLE "rollback_provider_results" ADD CONSTRAINT "rollback_provider_results_execution_name_rollback_executions_execution_name_fk" FOREIGN KEY ("execution_name") REFERENCES "rollback_executions"("execution_name") ON DELETE cascade ON UPDATE no action;