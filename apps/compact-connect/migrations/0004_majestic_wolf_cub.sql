CREATE TABLE "upload_batches" (
	"upload_id" uuid NOT NULL,
	"batch" integer NOT NULL,
	"committed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "upload_batches_upload_id_batch_pk" PRIMARY KEY("upload_id","batch")
);
