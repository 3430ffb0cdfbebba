DROP MATERIALIZED VIEW "public"."category_prices";
--> statement-breakpoint
DROP VIEW "public"."gift_listings";
--> statement-breakpoint
DROP FUNCTION "public"."gifts_between"(numeric, numeric);
--> statement-breakpoint
DROP TABLE "public"."notifications";
--> statement-breakpoint
DROP TABLE "public"."process_answers";
--> statement-breakpoint
DROP TABLE "public"."gift_processes";
--> statement-breakpoint
DROP TABLE "public"."gifts";
--> statement-breakpoint
DROP TABLE "public"."gift_categories";
--> statement-breakpoint
DROP TABLE "public"."relationships";
--> statement-breakpoint
DROP TABLE "public"."occasions";
--> statement-breakpoint
DROP TABLE "public"."users";
--> statement-breakpoint
DROP TABLE "public"."classifier_questions";
--> statement-breakpoint
DROP FUNCTION "public"."category_gift_count"(integer);
--> statement-breakpoint
DROP TYPE "public"."process_status";
--> statement-breakpoint
DROP TYPE "public"."notification_type";
--> statement-breakpoint
DROP TYPE "public"."relationship_type";
--> statement-breakpoint
DROP EXTENSION IF EXISTS "btree_gin";
--> statement-breakpoint
DROP EXTENSION IF EXISTS "pg_trgm";
--> statement-breakpoint
DROP EXTENSION IF EXISTS "uuid-ossp";
