CREATE SCHEMA IF NOT EXISTS "audit";
--> statement-breakpoint
ALTER TABLE "public"."repositories" DROP COLUMN "slug";
--> statement-breakpoint
ALTER TABLE "public"."audit_events" SET SCHEMA "audit";
--> statement-breakpoint
-- hazard data_loss (schema/accounts.yaml:11): drop column `users.country` and its data
-- hazard irreversible_down (schema/accounts.yaml:11): the down migration cannot bring back what this removes
ALTER TABLE "public"."users" DROP COLUMN "country";
--> statement-breakpoint
-- hazard table_rewrite (schema/github.yaml:25): adding repositories.slug computes a value for every row: repositories is rewritten under an ACCESS EXCLUSIVE lock
ALTER TABLE "public"."repositories" ADD COLUMN "slug" text NOT NULL GENERATED ALWAYS AS (lower(replace(full_name, '/', '-'))) STORED;
--> statement-breakpoint
COMMENT ON TYPE "public"."billing_plan" IS 'What an organization pays for';
--> statement-breakpoint
COMMENT ON TABLE "audit"."audit_events" IS 'What happened, for support and audits';
