-- schemac:no-transaction
SET lock_timeout = '5s';
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "users_locale_idx" ON "public"."users" ("locale");
--> statement-breakpoint
RESET lock_timeout;
