DROP TABLE "audit"."audit_events";
--> statement-breakpoint
DROP SCHEMA IF EXISTS "audit";
