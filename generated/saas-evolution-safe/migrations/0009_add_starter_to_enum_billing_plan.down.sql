SET LOCAL lock_timeout = '5s';
--> statement-breakpoint
ALTER TYPE "public"."billing_plan" RENAME TO "billing_plan__schemac_old";
--> statement-breakpoint
CREATE TYPE "public"."billing_plan" AS ENUM ('FREE', 'PRO', 'TEAM', 'ENTERPRISE');
--> statement-breakpoint
ALTER TABLE "public"."organizations"
  ALTER COLUMN "plan" DROP DEFAULT,
  ALTER COLUMN "plan" TYPE "public"."billing_plan" USING "plan"::text::"public"."billing_plan",
  ALTER COLUMN "plan" SET DEFAULT 'FREE';
--> statement-breakpoint
DROP TYPE "public"."billing_plan__schemac_old";
