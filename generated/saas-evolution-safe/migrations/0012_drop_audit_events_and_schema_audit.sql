SET LOCAL lock_timeout = '5s';
--> statement-breakpoint
-- hazard data_loss: drop table `audit_events` and every row in it
-- hazard irreversible_down: the down migration cannot bring back what this removes
DROP TABLE "audit"."audit_events";
--> statement-breakpoint
DROP SCHEMA IF EXISTS "audit";
