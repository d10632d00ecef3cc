CREATE TABLE "privilege_exports" (
	"token" text PRIMARY KEY NOT NULL,
	"compact" text NOT NULL,
	"requested_by" text NOT NULL,
	"query" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "privilege_exports_expires_idx" ON "privilege_exports" USING btree ("expires_at");
--> statement-breakpoint
-- hand-written (cc-search): the search API (§2.8) and name lookups on PostgreSQL instead of OpenSearch.
-- pg_trgm and unaccent are trusted contrib extensions (PostgreSQL 13+); the embedded database loads them
-- through `embeddedExtensions` in src/app.ts. Concurrent first migrations of two schemas may race on
-- CREATE EXTENSION, so a duplicate is ignored.
DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public; EXCEPTION WHEN unique_violation OR duplicate_object THEN NULL; END $$;
--> statement-breakpoint
DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public; EXCEPTION WHEN unique_violation OR duplicate_object THEN NULL; END $$;
--> statement-breakpoint
-- The original's name analyzer (standard tokenizer + lowercase + asciifolding) as one immutable function:
-- accents folded, lower-cased, every run of other characters one space, framed by spaces (' van der berg ').
-- A phrase prefix is then LIKE '%' || rtrim(fold(q)) || '%', a whole token LIKE '%' || fold(t) || '%'.
CREATE OR REPLACE FUNCTION cc_search_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT ' ' || btrim(regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, value)), '[^[:alnum:]'']+', ' ', 'g')) || ' '
$$;
--> statement-breakpoint
-- The provider's folded names are stored (generated columns, so every writer keeps them right): a trigram index
-- rechecks its candidate rows against the stored text instead of folding each one again.
ALTER TABLE providers ADD COLUMN IF NOT EXISTS family_name_folded text GENERATED ALWAYS AS (cc_search_fold(family_name)) STORED;
--> statement-breakpoint
ALTER TABLE providers ADD COLUMN IF NOT EXISTS given_name_folded text GENERATED ALWAYS AS (cc_search_fold(given_name)) STORED;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS providers_search_family_name_trgm_idx ON providers USING gin (family_name_folded public.gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS providers_search_given_name_trgm_idx ON providers USING gin (given_name_folded public.gin_trgm_ops);
--> statement-breakpoint
-- `familyName.keyword` / `givenName.keyword` order (byte order, as OpenSearch sorts keywords) and the default order.
CREATE INDEX IF NOT EXISTS providers_search_name_order_idx ON providers (compact, family_name COLLATE "C", given_name COLLATE "C", provider_id);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS providers_search_npi_idx ON providers (compact, npi);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS licenses_search_license_number_idx ON licenses (compact, license_number);
