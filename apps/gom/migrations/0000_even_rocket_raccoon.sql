CREATE TABLE "bps" (
	"uid" text PRIMARY KEY NOT NULL,
	"ext_uid" text,
	"name1" text NOT NULL,
	"name2" text,
	"last_name1" text,
	"last_name2" text,
	"phone" text,
	"email" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" text,
	"updated_by" text,
	CONSTRAINT "bps_ext_uid_unique" UNIQUE("ext_uid")
);
--> statement-breakpoint
CREATE TABLE "customer_of" (
	"bp_uid" text NOT NULL,
	"user_uid" text NOT NULL,
	CONSTRAINT "customer_of_bp_uid_user_uid_pk" PRIMARY KEY("bp_uid","user_uid")
);
--> statement-breakpoint
CREATE TABLE "items" (
	"uid" text PRIMARY KEY NOT NULL,
	"code" text,
	"quantity" double precision,
	"description" text,
	"provider" text,
	"order_uid" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" text,
	"updated_by" text
);
--> statement-breakpoint
CREATE TABLE "order_promotions" (
	"order_uid" text NOT NULL,
	"promotion_uid" text NOT NULL,
	CONSTRAINT "order_promotions_order_uid_promotion_uid_pk" PRIMARY KEY("order_uid","promotion_uid")
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"uid" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"stage" text DEFAULT 'OPEN' NOT NULL,
	"issued_to_uid" text NOT NULL,
	"assigned_to_uid" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" text,
	"updated_by" text
);
--> statement-breakpoint
CREATE TABLE "prices" (
	"uid" text PRIMARY KEY NOT NULL,
	"type" text DEFAULT 'GENERAL',
	"amount" double precision NOT NULL,
	"currency" text NOT NULL,
	"item_uid" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" text,
	"updated_by" text
);
--> statement-breakpoint
CREATE TABLE "promotions" (
	"uid" text PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"start" timestamp (3) with time zone,
	"end" timestamp (3) with time zone,
	"category" text,
	"content" text,
	"assigned_to_uid" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" text,
	"updated_by" text
);
--> statement-breakpoint
CREATE TABLE "publications" (
	"uid" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"status" text,
	"delay" integer,
	"publish_at" timestamp (3) with time zone,
	"promotion_uid" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" text,
	"updated_by" text
);
--> statement-breakpoint
CREATE TABLE "users" (
	"uid" text PRIMARY KEY NOT NULL,
	"ext_uid" text,
	"business" text NOT NULL,
	"role" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_ext_uid_unique" UNIQUE("ext_uid")
);
--> statement-breakpoint
ALTER TABLE "customer_of" ADD CONSTRAINT "customer_of_bp_uid_bps_uid_fk" FOREIGN KEY ("bp_uid") REFERENCES "bps"("uid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_of" ADD CONSTRAINT "customer_of_user_uid_users_uid_fk" FOREIGN KEY ("user_uid") REFERENCES "users"("uid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_order_uid_orders_uid_fk" FOREIGN KEY ("order_uid") REFERENCES "orders"("uid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_promotions" ADD CONSTRAINT "order_promotions_order_uid_orders_uid_fk" FOREIGN KEY ("order_uid") REFERENCES "orders"("uid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_promotions" ADD CONSTRAINT "order_promotions_promotion_uid_promotions_uid_fk" FOREIGN KEY ("promotion_uid") REFERENCES "promotions"("uid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_issued_to_uid_bps_uid_fk" FOREIGN KEY ("issued_to_uid") REFERENCES "bps"("uid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_assigned_to_uid_users_uid_fk" FOREIGN KEY ("assigned_to_uid") REFERENCES "users"("uid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prices" ADD CONSTRAINT "prices_item_uid_items_uid_fk" FOREIGN KEY ("item_uid") REFERENCES "items"("uid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotions" ADD CONSTRAINT "promotions_assigned_to_uid_users_uid_fk" FOREIGN KEY ("assigned_to_uid") REFERENCES "users"("uid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "publications" ADD CONSTRAINT "publications_promotion_uid_promotions_uid_fk" FOREIGN KEY ("promotion_uid") REFERENCES "promotions"("uid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_of_user_idx" ON "customer_of" USING btree ("user_uid");--> statement-breakpoint
CREATE INDEX "items_order_idx" ON "items" USING btree ("order_uid");--> statement-breakpoint
CREATE INDEX "order_promotions_promotion_idx" ON "order_promotions" USING btree ("promotion_uid");--> statement-breakpoint
CREATE INDEX "orders_assigned_created_idx" ON "orders" USING btree ("assigned_to_uid","created_at");--> statement-breakpoint
CREATE INDEX "orders_issued_created_idx" ON "orders" USING btree ("issued_to_uid","created_at");--> statement-breakpoint
CREATE INDEX "prices_item_idx" ON "prices" USING btree ("item_uid");--> statement-breakpoint
CREATE INDEX "promotions_assigned_idx" ON "promotions" USING btree ("assigned_to_uid");--> statement-breakpoint
CREATE INDEX "publications_promotion_idx" ON "publications" USING btree ("promotion_uid");