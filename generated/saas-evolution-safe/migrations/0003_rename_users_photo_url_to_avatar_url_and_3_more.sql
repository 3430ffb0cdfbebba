SET LOCAL lock_timeout = '5s';
--> statement-breakpoint
ALTER TYPE "public"."plan" RENAME TO "billing_plan";
--> statement-breakpoint
ALTER TYPE "public"."member_role" RENAME VALUE 'billing' TO 'finance';
--> statement-breakpoint
ALTER TABLE "public"."users" RENAME COLUMN "photo_url" TO "avatar_url";
--> statement-breakpoint
ALTER TABLE "public"."github_installation_repositories" RENAME TO "repositories";
--> statement-breakpoint
ALTER TABLE "public"."repositories" RENAME CONSTRAINT "github_installation_repositories_pkey" TO "repositories_pkey";
--> statement-breakpoint
ALTER TABLE "public"."repositories" RENAME CONSTRAINT "github_installation_repositories_installation_id_fkey" TO "repositories_installation_id_fkey";
--> statement-breakpoint
ALTER INDEX "public"."github_installation_repositories_installation_id_name_idx" RENAME TO "repositories_installation_id_name_idx";
--> statement-breakpoint
ALTER INDEX "public"."github_installation_repositories_full_name_idx" RENAME TO "repositories_full_name_idx";
