CREATE TYPE "application_status" AS ENUM('UNPROCESSED', 'REJECTED', 'ACCEPTED');--> statement-breakpoint
CREATE TYPE "role" AS ENUM('ADMIN', 'USER', 'NONE');--> statement-breakpoint
CREATE TABLE "answers" (
	"id" serial PRIMARY KEY NOT NULL,
	"number" integer NOT NULL,
	"answer" varchar NOT NULL,
	"question_id" integer NOT NULL,
	"application_id" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "applications" (
	"id" serial PRIMARY KEY NOT NULL,
	"process_time" timestamp with time zone,
	"status" "application_status" NOT NULL,
	"user_id" integer NOT NULL,
	"template_id" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "questions" (
	"id" serial PRIMARY KEY NOT NULL,
	"template_id" integer NOT NULL,
	"number" integer NOT NULL,
	"question" varchar NOT NULL,
	"multiline" boolean NOT NULL,
	"min_answer_length" integer NOT NULL,
	CONSTRAINT "questions_template_id_number_unique" UNIQUE("template_id","number")
);
--> statement-breakpoint
CREATE TABLE "templates" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" varchar,
	"enabled" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" serial PRIMARY KEY NOT NULL,
	"id_type" varchar NOT NULL,
	"user_id" bigint NOT NULL,
	"role" "role" NOT NULL,
	CONSTRAINT "users_id_type_user_id_unique" UNIQUE("id_type","user_id")
);
--> statement-breakpoint
ALTER TABLE "answers" ADD CONSTRAINT "answers_question_id_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "questions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "answers" ADD CONSTRAINT "answers_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_template_id_templates_id_fk" FOREIGN KEY ("template_id") REFERENCES "templates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "questions" ADD CONSTRAINT "questions_template_id_templates_id_fk" FOREIGN KEY ("template_id") REFERENCES "templates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "answers_application_id_idx" ON "answers" USING btree ("application_id");--> statement-breakpoint
CREATE INDEX "applications_user_id_idx" ON "applications" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "templates_name_enabled_unique" ON "templates" USING btree ("name","enabled") WHERE "templates"."enabled" = true;--> statement-breakpoint
-- The built-in administrator (the original's repeatable R__AddRoles migration).
INSERT INTO "users" ("id_type", "user_id", "role") VALUES ('internal', 1, 'ADMIN') ON CONFLICT DO NOTHING;
