SET LOCAL lock_timeout = '5s';
--> statement-breakpoint
ALTER TABLE "public"."users" VALIDATE CONSTRAINT "users_country_not_null";
--> statement-breakpoint
ALTER TABLE "public"."users" ALTER COLUMN "country" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "public"."users" DROP CONSTRAINT IF EXISTS "users_country_not_null";
