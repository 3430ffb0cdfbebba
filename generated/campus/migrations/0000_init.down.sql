ALTER TABLE "public"."sessions" DROP CONSTRAINT "sessions_user_id_fkey";
--> statement-breakpoint
ALTER TABLE "public"."two_factors" DROP CONSTRAINT "two_factors_user_id_fkey";
--> statement-breakpoint
ALTER TABLE "public"."platform_users"
  DROP CONSTRAINT "platform_users_auth_id_fkey",
  DROP CONSTRAINT "platform_users_college_id_fkey",
  DROP CONSTRAINT "platform_users_college_id_branch_id_fkey";
--> statement-breakpoint
ALTER TABLE "public"."college_branches"
  DROP CONSTRAINT "college_branches_college_id_fkey",
  DROP CONSTRAINT "college_branches_branch_id_fkey";
--> statement-breakpoint
ALTER TABLE "public"."posts"
  DROP CONSTRAINT "posts_posted_by_fkey",
  DROP CONSTRAINT "posts_pinned_comment_id_fkey";
--> statement-breakpoint
ALTER TABLE "public"."comments"
  DROP CONSTRAINT "comments_post_id_fkey",
  DROP CONSTRAINT "comments_commented_by_fkey";
--> statement-breakpoint
ALTER TABLE "public"."votes" DROP CONSTRAINT "votes_user_id_fkey";
--> statement-breakpoint
ALTER TABLE "public"."bookmarks"
  DROP CONSTRAINT "bookmarks_post_id_fkey",
  DROP CONSTRAINT "bookmarks_user_id_fkey";
--> statement-breakpoint
DROP TABLE "audit"."audit_logs";
--> statement-breakpoint
DROP TABLE "public"."auth";
--> statement-breakpoint
DROP TABLE "public"."sessions";
--> statement-breakpoint
DROP TABLE "public"."two_factors";
--> statement-breakpoint
DROP TABLE "public"."platform_users";
--> statement-breakpoint
DROP TABLE "public"."colleges";
--> statement-breakpoint
DROP TABLE "public"."branches";
--> statement-breakpoint
DROP TABLE "public"."college_branches";
--> statement-breakpoint
DROP TABLE "public"."posts";
--> statement-breakpoint
DROP TABLE "public"."comments";
--> statement-breakpoint
DROP TABLE "public"."votes";
--> statement-breakpoint
DROP TABLE "public"."bookmarks";
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
