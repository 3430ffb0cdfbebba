SET LOCAL lock_timeout = '5s';
--> statement-breakpoint
ALTER TYPE "public"."billing_plan" ADD VALUE 'STARTER' AFTER 'FREE';
