-- schemac:no-transaction
SET lock_timeout = '5s';
--> statement-breakpoint
-- hazard data_dependent (schema/accounts.yaml:10): the unique key users_email_live_key on users fails on rows that share its values
--   rows it fails on: SELECT coalesce(sum(n), 0)::bigint FROM (SELECT count(*) AS n FROM "public"."users" WHERE "email" IS NOT NULL AND (deleted_at IS NULL AND NOT deleted) GROUP BY "email" HAVING count(*) > 1) AS duplicates
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "users_email_live_key__schemac_new" ON "public"."users" ("email") WHERE deleted_at IS NULL AND NOT deleted;
--> statement-breakpoint
DROP INDEX CONCURRENTLY IF EXISTS "public"."users_email_live_key";
--> statement-breakpoint
ALTER INDEX IF EXISTS "public"."users_email_live_key__schemac_new" RENAME TO "users_email_live_key";
--> statement-breakpoint
-- hazard data_dependent (schema/accounts.yaml:36): the unique key organization_members_org_member_key on organization_members fails on rows that share its values
--   rows it fails on: SELECT coalesce(sum(n), 0)::bigint FROM (SELECT count(*) AS n FROM "public"."organization_members" WHERE "organization_id" IS NOT NULL AND "id" IS NOT NULL GROUP BY "organization_id", "id" HAVING count(*) > 1) AS duplicates
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "organization_members_org_member_key" ON "public"."organization_members" ("organization_id", "id");
--> statement-breakpoint
-- hazard data_dependent (schema/audit.yaml:4): the unique key audit_events_pkey on audit_events fails on rows that share its values
--   rows it fails on: SELECT coalesce(sum(n), 0)::bigint FROM (SELECT count(*) AS n FROM "public"."audit_events" WHERE "id" IS NOT NULL AND "created_at" IS NOT NULL GROUP BY "id", "created_at" HAVING count(*) > 1) AS duplicates
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "audit_events_pkey" ON "public"."audit_events" ("id", "created_at");
--> statement-breakpoint
RESET lock_timeout;
