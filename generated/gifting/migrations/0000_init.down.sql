ALTER TABLE "public"."gift_processes"
  DROP CONSTRAINT "gift_processes_recipient_id_fkey",
  DROP CONSTRAINT "gift_processes_occasion_id_fkey",
  DROP CONSTRAINT "gift_processes_relationship_id_fkey",
  DROP CONSTRAINT "gift_processes_selected_gift_id_fkey";
--> statement-breakpoint
ALTER TABLE "public"."process_answers"
  DROP CONSTRAINT "process_answers_process_id_fkey",
  DROP CONSTRAINT "process_answers_question_id_fkey";
--> statement-breakpoint
ALTER TABLE "public"."notifications" DROP CONSTRAINT "notifications_user_id_fkey";
--> statement-breakpoint
ALTER TABLE "public"."gifts" DROP CONSTRAINT "gifts_category_id_fkey";
--> statement-breakpoint
ALTER TABLE "public"."occasions" DROP CONSTRAINT "occasions_user_id_fkey";
--> statement-breakpoint
ALTER TABLE "public"."relationships"
  DROP CONSTRAINT "relationships_user_id_fkey",
  DROP CONSTRAINT "relationships_related_user_id_fkey";
--> statement-breakpoint
DROP TABLE "public"."classifier_questions";
--> statement-breakpoint
DROP TABLE "public"."gift_processes";
--> statement-breakpoint
DROP TABLE "public"."process_answers";
--> statement-breakpoint
DROP TABLE "public"."notifications";
--> statement-breakpoint
DROP TABLE "public"."gift_categories";
--> statement-breakpoint
DROP TABLE "public"."gifts";
--> statement-breakpoint
DROP TABLE "public"."occasions";
--> statement-breakpoint
DROP TABLE "public"."users";
--> statement-breakpoint
DROP TABLE "public"."relationships";
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
