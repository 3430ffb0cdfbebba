SET LOCAL lock_timeout = '5s';
--> statement-breakpoint
ALTER TABLE "public"."organizations" ALTER COLUMN "plan" SET DEFAULT 'STARTER';
