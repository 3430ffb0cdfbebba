SET LOCAL lock_timeout = '5s';
--> statement-breakpoint
ALTER TABLE "public"."github_installations" DROP CONSTRAINT "github_installations_organization_id_fkey";
--> statement-breakpoint
ALTER TABLE "public"."organization_members" DROP CONSTRAINT "organization_members_org_member_key";
--> statement-breakpoint
ALTER TABLE "public"."repositories" DROP CONSTRAINT "repositories_stars_check";
--> statement-breakpoint
ALTER TABLE "public"."audit_events" DROP CONSTRAINT "audit_events_pkey";
--> statement-breakpoint
DROP INDEX "public"."users_email_live_key";
--> statement-breakpoint
ALTER TABLE "public"."repositories" DROP COLUMN "slug";
--> statement-breakpoint
ALTER TYPE "public"."member_role" RENAME TO "member_role__schemac_old";
--> statement-breakpoint
CREATE TYPE "public"."member_role" AS ENUM ('admin', 'member', 'finance');
--> statement-breakpoint
ALTER TABLE "public"."organization_members"
  ALTER COLUMN "role" DROP DEFAULT,
  ALTER COLUMN "role" TYPE "public"."member_role" USING "role"::text::"public"."member_role",
  ALTER COLUMN "role" SET DEFAULT 'member',
  ADD CONSTRAINT "organization_members_role_known_check" CHECK (role IN ('admin', 'member', 'finance'));
--> statement-breakpoint
ALTER TABLE "public"."audit_events" ADD CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id");
--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_live_key" ON "public"."users" ("email") WHERE deleted_at IS NULL;
--> statement-breakpoint
ALTER TABLE "public"."github_installations" ADD CONSTRAINT "github_installations_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations" ("id") ON DELETE RESTRICT ON UPDATE CASCADE;
--> statement-breakpoint
DROP TYPE "public"."member_role__schemac_old";
