CREATE TABLE "filters" (
	"id" serial PRIMARY KEY NOT NULL,
	"filter" varchar NOT NULL
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" serial PRIMARY KEY NOT NULL,
	"from_id" integer NOT NULL,
	"for_id" integer NOT NULL,
	"text" varchar(480) NOT NULL,
	"date" timestamp (6),
	"thread" integer NOT NULL,
	"from_deleted" boolean DEFAULT false NOT NULL,
	"for_deleted" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" serial PRIMARY KEY NOT NULL,
	"for_id" integer NOT NULL,
	"from_id" integer NOT NULL,
	"type" varchar NOT NULL,
	"text" varchar NOT NULL,
	"date" timestamp (6) NOT NULL,
	"read" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "permissions" (
	"id" serial PRIMARY KEY NOT NULL,
	"permission" varchar NOT NULL,
	"description" varchar
);
--> statement-breakpoint
CREATE TABLE "post_totals" (
	"id" integer PRIMARY KEY NOT NULL,
	"visible" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "posts" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"text" varchar(480) NOT NULL,
	"date" timestamp (6),
	"given_hugs" integer DEFAULT 0 NOT NULL,
	"sent_hugs" integer[] DEFAULT '{}'::integer[],
	"open_reports" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reports" (
	"id" serial PRIMARY KEY NOT NULL,
	"type" varchar(10) NOT NULL,
	"user_id" integer NOT NULL,
	"post_id" integer,
	"reporter" integer NOT NULL,
	"report_reason" varchar(120) NOT NULL,
	"date" timestamp (6),
	"dismissed" boolean DEFAULT false NOT NULL,
	"closed" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "roles" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" varchar NOT NULL
);
--> statement-breakpoint
CREATE TABLE "roles_permissions_map" (
	"role_id" integer NOT NULL,
	"permission_id" integer NOT NULL,
	CONSTRAINT "roles_permissions_map_role_id_permission_id_pk" PRIMARY KEY("role_id","permission_id")
);
--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"id" serial PRIMARY KEY NOT NULL,
	"user" integer NOT NULL,
	"endpoint" varchar NOT NULL,
	"subscription_data" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "threads" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_1_id" integer NOT NULL,
	"user_2_id" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" serial PRIMARY KEY NOT NULL,
	"display_name" varchar(60) NOT NULL,
	"received_hugs" integer DEFAULT 0 NOT NULL,
	"given_hugs" integer DEFAULT 0 NOT NULL,
	"login_count" integer DEFAULT 1,
	"role_id" integer DEFAULT 4,
	"release_date" timestamp (6),
	"last_notifications_read" timestamp (6),
	"auto_refresh" boolean DEFAULT false,
	"refresh_rate" integer DEFAULT 20,
	"push_enabled" boolean DEFAULT false,
	"selected_character" varchar(6) DEFAULT 'kitty',
	"icon_colours" varchar DEFAULT '{"character":"#BA9F93","lbg":"#e2a275","rbg":"#f8eee4","item":"#f4b56a"}',
	"firebase_id" varchar(50) NOT NULL,
	"email_verified" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_from_id_users_id_fk" FOREIGN KEY ("from_id") REFERENCES "users"("id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_for_id_users_id_fk" FOREIGN KEY ("for_id") REFERENCES "users"("id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_thread_threads_id_fk" FOREIGN KEY ("thread") REFERENCES "threads"("id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_for_id_users_id_fk" FOREIGN KEY ("for_id") REFERENCES "users"("id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_from_id_users_id_fk" FOREIGN KEY ("from_id") REFERENCES "users"("id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "posts" ADD CONSTRAINT "posts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_post_id_posts_id_fk" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_reporter_users_id_fk" FOREIGN KEY ("reporter") REFERENCES "users"("id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "roles_permissions_map" ADD CONSTRAINT "roles_permissions_map_role_id_roles_id_fk" FOREIGN KEY ("role_id") REFERENCES "roles"("id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "roles_permissions_map" ADD CONSTRAINT "roles_permissions_map_permission_id_permissions_id_fk" FOREIGN KEY ("permission_id") REFERENCES "permissions"("id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_user_users_id_fk" FOREIGN KEY ("user") REFERENCES "users"("id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "threads" ADD CONSTRAINT "threads_user_1_id_users_id_fk" FOREIGN KEY ("user_1_id") REFERENCES "users"("id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "threads" ADD CONSTRAINT "threads_user_2_id_users_id_fk" FOREIGN KEY ("user_2_id") REFERENCES "users"("id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_role_id_roles_id_fk" FOREIGN KEY ("role_id") REFERENCES "roles"("id") ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
CREATE INDEX "messages_for_date_idx" ON "messages" USING btree ("for_id","date");--> statement-breakpoint
CREATE INDEX "messages_from_date_idx" ON "messages" USING btree ("from_id","date");--> statement-breakpoint
CREATE INDEX "messages_thread_date_idx" ON "messages" USING btree ("thread","date");--> statement-breakpoint
CREATE INDEX "notifications_for_date_idx" ON "notifications" USING btree ("for_id","date");--> statement-breakpoint
CREATE INDEX "notifications_unread_idx" ON "notifications" USING btree ("for_id") WHERE "notifications"."read" = false;--> statement-breakpoint
CREATE INDEX "posts_user_date_idx" ON "posts" USING btree ("user_id","date","id");--> statement-breakpoint
CREATE INDEX "posts_visible_new_idx" ON "posts" USING btree ("date" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "posts"."open_reports" = 0;--> statement-breakpoint
CREATE INDEX "posts_visible_suggested_idx" ON "posts" USING btree ("given_hugs","date","id") WHERE "posts"."open_reports" = 0;--> statement-breakpoint
CREATE INDEX "reports_open_type_date_idx" ON "reports" USING btree ("type","date","id") WHERE "reports"."closed" = false;--> statement-breakpoint
CREATE INDEX "reports_open_post_idx" ON "reports" USING btree ("post_id") WHERE "reports"."closed" = false;--> statement-breakpoint
CREATE INDEX "subscriptions_user_idx" ON "subscriptions" USING btree ("user");--> statement-breakpoint
CREATE INDEX "threads_user_1_idx" ON "threads" USING btree ("user_1_id","user_2_id");--> statement-breakpoint
CREATE INDEX "threads_user_2_idx" ON "threads" USING btree ("user_2_id","user_1_id");--> statement-breakpoint
CREATE UNIQUE INDEX "firebase_id_uq" ON "users" USING btree ("firebase_id");--> statement-breakpoint
CREATE INDEX "users_blocked_release_idx" ON "users" USING btree ("release_date","id") WHERE "users"."role_id" = 5;--> statement-breakpoint
-- Reference data: the 15 permissions and 5 roles of the original (spec §3.2), with their ids. The
-- original never seeded role 5 ("blocked user") by migration; Hearth does, so every database has it.
INSERT INTO "permissions" ("id", "permission", "description") VALUES
  (1, 'block:user', 'Block a user'),
  (2, 'delete:any-post', 'Delete any post'),
  (3, 'delete:messages', 'Delete messages'),
  (4, 'patch:any-post', 'Edit any post'),
  (5, 'patch:any-user', 'Edit any user'),
  (6, 'post:message', 'Send a message'),
  (7, 'post:post', 'Create a post'),
  (8, 'post:report', 'Report a post or a user'),
  (9, 'read:admin-board', 'View the admin board'),
  (10, 'read:messages', 'Read messages and notifications'),
  (11, 'read:user', 'View user profiles'),
  (12, 'delete:my-post', 'Delete own posts'),
  (13, 'patch:user', 'Edit own profile'),
  (14, 'patch:my-post', 'Edit own posts'),
  (15, 'post:user', 'Create an account');
--> statement-breakpoint
INSERT INTO "roles" ("id", "name") VALUES (1, 'admin'), (2, 'moderator'), (3, 'user'), (4, 'new user'), (5, 'blocked user');
--> statement-breakpoint
INSERT INTO "roles_permissions_map" ("role_id", "permission_id") VALUES
  (1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (1, 7), (1, 8), (1, 9), (1, 10), (1, 11),
  (2, 3), (2, 4), (2, 6), (2, 7), (2, 8), (2, 10), (2, 11), (2, 12), (2, 13),
  (3, 3), (3, 6), (3, 7), (3, 8), (3, 10), (3, 11), (3, 12), (3, 13), (3, 14),
  (4, 12), (4, 14), (4, 13), (4, 15), (4, 10), (4, 11),
  (5, 3), (5, 6), (5, 8), (5, 10), (5, 11), (5, 12), (5, 13), (5, 14), (5, 15);
--> statement-breakpoint
SELECT setval(pg_get_serial_sequence('permissions', 'id'), 15);
--> statement-breakpoint
SELECT setval(pg_get_serial_sequence('roles', 'id'), 5);
--> statement-breakpoint
INSERT INTO "post_totals" ("id", "visible") VALUES (1, 0);
--> statement-breakpoint
-- posts.open_reports counts the post's open reports; post_totals.visible counts posts without one.
CREATE FUNCTION sah_reports_count_open() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.post_id IS NOT NULL AND NOT OLD.closed THEN
    UPDATE posts SET open_reports = open_reports - 1 WHERE id = OLD.post_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.post_id IS NOT NULL AND NOT NEW.closed THEN
    UPDATE posts SET open_reports = open_reports + 1 WHERE id = NEW.post_id;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER reports_count_open AFTER INSERT OR UPDATE OR DELETE ON reports FOR EACH ROW EXECUTE FUNCTION sah_reports_count_open();
--> statement-breakpoint
CREATE FUNCTION sah_posts_count_visible() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  delta integer := 0;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.open_reports = 0 THEN delta := delta - 1; END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.open_reports = 0 THEN delta := delta + 1; END IF;
  IF delta <> 0 THEN UPDATE post_totals SET visible = visible + delta WHERE id = 1; END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER posts_count_visible AFTER INSERT OR DELETE OR UPDATE OF open_reports ON posts FOR EACH ROW EXECUTE FUNCTION sah_posts_count_visible();
