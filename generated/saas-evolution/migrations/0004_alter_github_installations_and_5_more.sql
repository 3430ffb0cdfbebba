ALTER TABLE "public"."github_installations" DROP CONSTRAINT "github_installations_organization_id_fkey";
--> statement-breakpoint
ALTER TABLE "public"."organization_members" DROP CONSTRAINT "organization_members_role_known_check";
--> statement-breakpoint
ALTER TABLE "public"."audit_events" DROP CONSTRAINT "audit_events_pkey";
--> statement-breakpoint
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
ALTER TABLE "public"."organization_members" ADD CONSTRAINT "organization_members_org_member_key" UNIQUE ("organization_id", "id");
--> statement-breakpoint
-- hazard constraint_validation_under_lock (schema/github.yaml:13): CHECK repositories_stars_check is validated against every row of repositories under an ACCESS EXCLUSIVE lock
ALTER TABLE "public"."repositories" ADD CONSTRAINT "repositories_stars_check" CHECK (stars >= 0);
--> statement-breakpoint
-- hazard constraint_validation_under_lock (schema/audit.yaml:4): PRIMARY KEY audit_events_pkey builds its index and checks every row of audit_events under an ACCESS EXCLUSIVE lock
ALTER TABLE "public"."audit_events" ADD CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id", "created_at");
--> statement-breakpoint
-- hazard index_without_concurrently (schema/accounts.yaml:10): CREATE INDEX users_email_live_key blocks writes to users while it builds
CREATE UNIQUE INDEX "users_email_live_key" ON "public"."users" ("email") WHERE deleted_at IS NULL AND NOT deleted;
--> statement-breakpoint
-- hazard constraint_validation_under_lock (schema/github.yaml:2): FOREIGN KEY github_installations_organization_id_fkey is validated against every row of github_installations while github_installations and organizations are locked against writes
ALTER TABLE "public"."github_installations" ADD CONSTRAINT "github_installations_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations" ("id") ON DELETE CASCADE ON UPDATE CASCADE;
--> statement-breakpoint
DROP TYPE "public"."member_role__schemac_old";
