SET LOCAL lock_timeout = '5s';
--> statement-breakpoint
ALTER TABLE "public"."github_installations" DROP CONSTRAINT "github_installations_organization_id_fkey";
--> statement-breakpoint
ALTER TABLE "public"."organization_members" DROP CONSTRAINT "organization_members_role_known_check";
--> statement-breakpoint
ALTER TABLE "public"."audit_events" DROP CONSTRAINT "audit_events_pkey";
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
ALTER TABLE "public"."repositories"
  ADD COLUMN "slug" text NOT NULL GENERATED ALWAYS AS (lower(full_name)) STORED,
  ADD CONSTRAINT "repositories_stars_check" CHECK (stars >= 0) NOT VALID;
--> statement-breakpoint
ALTER TABLE "public"."github_installations" ADD CONSTRAINT "github_installations_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations" ("id") ON DELETE CASCADE ON UPDATE CASCADE NOT VALID;
--> statement-breakpoint
DROP TYPE "public"."member_role__schemac_old";
