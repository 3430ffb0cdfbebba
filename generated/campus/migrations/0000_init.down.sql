ALTER TABLE "public"."comments" DROP CONSTRAINT "comments_post_id_fkey";
--> statement-breakpoint
DROP TABLE "public"."bookmarks";
--> statement-breakpoint
DROP TABLE "public"."votes";
--> statement-breakpoint
DROP TABLE "public"."posts";
--> statement-breakpoint
DROP TABLE "public"."comments";
--> statement-breakpoint
DROP TABLE "public"."platform_users";
--> statement-breakpoint
DROP TABLE "public"."college_branches";
--> statement-breakpoint
DROP TABLE "public"."branches";
--> statement-breakpoint
DROP TABLE "public"."colleges";
--> statement-breakpoint
DROP TABLE "public"."two_factors";
--> statement-breakpoint
DROP TABLE "public"."sessions";
--> statement-breakpoint
DROP TABLE "public"."auth";
--> statement-breakpoint
DROP TABLE "audit"."audit_logs";
--> statement-breakpoint
DROP TYPE "public"."auth_role";
--> statement-breakpoint
DROP TYPE "public"."user_status";
--> statement-breakpoint
DROP TYPE "public"."topic";
--> statement-breakpoint
DROP TYPE "public"."vote_type";
--> statement-breakpoint
DROP TYPE "public"."vote_target";
--> statement-breakpoint
DROP TYPE "public"."audit_actor";
--> statement-breakpoint
DROP TYPE "public"."notification_kind";
--> statement-breakpoint
DROP SCHEMA IF EXISTS "audit";
