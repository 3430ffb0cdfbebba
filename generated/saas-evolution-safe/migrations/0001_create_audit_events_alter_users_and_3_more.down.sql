SET LOCAL lock_timeout = '5s';
--> statement-breakpoint
DROP INDEX "public"."users_locale_idx";
--> statement-breakpoint
ALTER TYPE "public"."plan" RENAME TO "plan__schemac_old";
--> statement-breakpoint
CREATE TYPE "public"."plan" AS ENUM ('FREE', 'PRO', 'ENTERPRISE');
--> statement-breakpoint
ALTER TABLE "public"."organizations"
  ALTER COLUMN "plan" DROP DEFAULT,
  ALTER COLUMN "plan" TYPE "public"."plan" USING "plan"::text::"public"."plan",
  ALTER COLUMN "plan" SET DEFAULT 'FREE';
--> statement-breakpoint
ALTER TABLE "public"."users"
  DROP COLUMN "locale",
  DROP COLUMN "country";
--> statement-breakpoint
ALTER TABLE "public"."github_installation_repositories" DROP COLUMN "stars";
--> statement-breakpoint
DROP TABLE "public"."audit_events";
--> statement-breakpoint
DROP TYPE "public"."plan__schemac_old";
--> statement-breakpoint
DROP EXTENSION IF EXISTS "citext";
