ALTER TABLE "public"."github_installations" DROP CONSTRAINT "github_installations_organization_id_fkey";
--> statement-breakpoint
ALTER TABLE "public"."organization_members" DROP CONSTRAINT "organization_members_role_known_check";
--> statement-breakpoint
ALTER TABLE "public"."audit_events" DROP CONSTRAINT "audit_events_pkey";
--> statement-breakpoint
-- hazard index_without_concurrently (schema/accounts.yaml:10): DROP INDEX users_email_live_key takes an ACCESS EXCLUSIVE lock on users while it drops it
DROP INDEX "public"."users_email_live_key";
--> statement-breakpoint
ALTER TYPE "public"."member_role" RENAME TO "member_role__schemac_old";
--> statement-breakpoint
CREATE TYPE "public"."member_role" AS ENUM ('admin', 'member');
--> statement-breakpoint
-- hazard table_rewrite (schema/accounts.yaml:5): rebuilding enum member_role re-casts its columns, rewriting organization_members under an ACCESS EXCLUSIVE lock
ALTER TABLE "public"."organization_members"
  ALTER COLUMN "role" DROP DEFAULT,
  ALTER COLUMN "role" TYPE "public"."member_role" USING (CASE "role"::text WHEN 'finance' THEN 'member' ELSE "role"::text END)::"public"."member_role",
  ALTER COLUMN "role" SET DEFAULT 'member';
--> statement-breakpoint
-- hazard table_rewrite (schema/github.yaml:25): adding repositories.slug computes a value for every row: repositories is rewritten under an ACCESS EXCLUSIVE lock
ALTER TABLE "public"."repositories" ADD COLUMN "slug" text NOT NULL GENERATED ALWAYS AS (lower(full_name)) STORED;
--> statement-breakpoint
-- hazard constraint_validation_under_lock (schema/accounts.yaml:36): UNIQUE organization_members_org_member_key builds its index and checks every row of organization_members under an ACCESS EXCLUSIVE lock
-- hazard data_dependent (schema/accounts.yaml:36): the unique key organization_members_org_member_key on organization_members fails on rows that share its values
--   rows it fails on: SELECT coalesce(sum(n), 0)::bigint FROM (SELECT count(*) AS n FROM "public"."organization_members" WHERE "organization_id" IS NOT NULL AND "id" IS NOT NULL GROUP BY "organization_id", "id" HAVING count(*) > 1) AS duplicates
ALTER TABLE "public"."organization_members" ADD CONSTRAINT "organization_members_org_member_key" UNIQUE ("organization_id", "id");
--> statement-breakpoint
-- hazard constraint_validation_under_lock (schema/github.yaml:13): CHECK repositories_stars_check is validated against every row of repositories under an ACCESS EXCLUSIVE lock
-- hazard data_dependent (schema/github.yaml:13): CHECK repositories_stars_check fails on a row of repositories it does not hold for
--   rows it fails on: SELECT count(*) FROM "public"."repositories" WHERE NOT (stars >= 0)
ALTER TABLE "public"."repositories" ADD CONSTRAINT "repositories_stars_check" CHECK (stars >= 0);
--> statement-breakpoint
-- hazard constraint_validation_under_lock (schema/audit.yaml:4): PRIMARY KEY audit_events_pkey builds its index and checks every row of audit_events under an ACCESS EXCLUSIVE lock
-- hazard data_dependent (schema/audit.yaml:4): the primary key audit_events_pkey on audit_events fails on rows that share its values or hold NULL
--   rows it fails on: SELECT (SELECT coalesce(sum(n), 0)::bigint FROM (SELECT count(*) AS n FROM "public"."audit_events" WHERE "id" IS NOT NULL AND "created_at" IS NOT NULL GROUP BY "id", "created_at" HAVING count(*) > 1) AS duplicates) + (SELECT count(*) FROM "public"."audit_events" WHERE "id" IS NULL OR "created_at" IS NULL)
ALTER TABLE "public"."audit_events" ADD CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id", "created_at");
--> statement-breakpoint
-- hazard index_without_concurrently (schema/accounts.yaml:10): CREATE INDEX users_email_live_key blocks writes to users while it builds
-- hazard data_dependent (schema/accounts.yaml:10): the unique key users_email_live_key on users fails on rows that share its values
--   rows it fails on: SELECT coalesce(sum(n), 0)::bigint FROM (SELECT count(*) AS n FROM "public"."users" WHERE "email" IS NOT NULL AND (deleted_at IS NULL AND NOT deleted) GROUP BY "email" HAVING count(*) > 1) AS duplicates
CREATE UNIQUE INDEX "users_email_live_key" ON "public"."users" ("email") WHERE deleted_at IS NULL AND NOT deleted;
--> statement-breakpoint
-- hazard constraint_validation_under_lock (schema/github.yaml:2): FOREIGN KEY github_installations_organization_id_fkey is validated against every row of github_installations while github_installations and organizations are locked against writes
-- hazard data_dependent (schema/github.yaml:2): FOREIGN KEY github_installations_organization_id_fkey fails on a row of github_installations whose organization_id matches no row of organizations
--   rows it fails on: SELECT count(*) FROM "public"."github_installations" AS c WHERE c."organization_id" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "public"."organizations" AS p WHERE p."id" = c."organization_id")
ALTER TABLE "public"."github_installations" ADD CONSTRAINT "github_installations_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations" ("id") ON DELETE CASCADE ON UPDATE CASCADE;
--> statement-breakpoint
DROP TYPE "public"."member_role__schemac_old";
