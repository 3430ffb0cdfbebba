-- schemac:no-transaction
SET lock_timeout = '5s';
--> statement-breakpoint
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "users_email_live_key__schemac_new" ON "public"."users" ("email") WHERE deleted_at IS NULL AND NOT deleted;
--> statement-breakpoint
DROP INDEX CONCURRENTLY IF EXISTS "public"."users_email_live_key";
--> statement-breakpoint
ALTER INDEX IF EXISTS "public"."users_email_live_key__schemac_new" RENAME TO "users_email_live_key";
--> statement-breakpoint
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "organization_members_org_member_key" ON "public"."organization_members" ("organization_id", "id");
--> statement-breakpoint
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "audit_events_pkey" ON "public"."audit_events" ("id", "created_at");
--> statement-breakpoint
RESET lock_timeout;
