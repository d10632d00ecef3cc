CREATE TABLE "upload_chunks" (
	"upload_id" uuid NOT NULL,
	"sequence" integer NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "upload_chunks_upload_id_sequence_pk" PRIMARY KEY("upload_id","sequence")
);
