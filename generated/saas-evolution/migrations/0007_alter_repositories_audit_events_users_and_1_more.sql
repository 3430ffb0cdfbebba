CREATE SCHEMA IF NOT EXISTS "audit";
--> statement-breakpoint
ALTER TABLE "public"."repositories" DROP COLUMN "slug";
--> statement-breakpoint
ALTER TABLE "public"."audit_events" SET SCHEMA "audit";
--> statement-breakpoint
ALTER TABLE "public"."repositories" ADD COLUMN "slug" text NOT NULL GENERATED ALWAYS AS (lower(replace(full_name, '/', '-'))) STORED;
--> statement-breakpoint
ALTER TABLE "public"."users" DROP COLUMN "country";
--> statement-breakpoint
COMMENT ON TYPE "public"."billing_plan" IS 'What an organization pays for';
--> statement-breakpoint
COMMENT ON TABLE "audit"."audit_events" IS 'What happened, for support and audits';
