-- This down migration cannot bring back what the up migration removed:
--   - column `users.country` comes back holding '' in every row that was there
SET LOCAL lock_timeout = '5s';
--> statement-breakpoint
ALTER TABLE "public"."repositories" DROP COLUMN "slug";
--> statement-breakpoint
ALTER TABLE "audit"."audit_events" SET SCHEMA "public";
--> statement-breakpoint
ALTER TABLE "public"."users" ADD COLUMN "country" char(2) NOT NULL DEFAULT '';
--> statement-breakpoint
ALTER TABLE "public"."users" ALTER COLUMN "country" DROP DEFAULT;
--> statement-breakpoint
ALTER TABLE "public"."repositories" ADD COLUMN "slug" text NOT NULL GENERATED ALWAYS AS (lower(full_name)) STORED;
--> statement-breakpoint
DROP SCHEMA IF EXISTS "audit";
--> statement-breakpoint
COMMENT ON TYPE "public"."billing_plan" IS NULL;
--> statement-breakpoint
COMMENT ON TABLE "public"."audit_events" IS 'What happened, for support';
