CREATE TABLE "military_documents" (
	"document_key" text PRIMARY KEY NOT NULL,
	"provider_id" uuid NOT NULL,
	"compact" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"uploaded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "military_documents" ADD CONSTRAINT "military_documents_provider_id_providers_provider_id_fk" FOREIGN KEY ("provider_id") REFERENCES "providers"("provider_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "military_documents_provider_idx" ON "military_documents" USING btree ("provider_id");