SET LOCAL lock_timeout = '5s';
--> statement-breakpoint
ALTER TYPE "public"."billing_plan" RENAME TO "plan";
--> statement-breakpoint
ALTER TYPE "public"."member_role" RENAME VALUE 'finance' TO 'billing';
--> statement-breakpoint
ALTER TABLE "public"."users" RENAME COLUMN "avatar_url" TO "photo_url";
--> statement-breakpoint
ALTER TABLE "public"."repositories" RENAME TO "github_installation_repositories";
--> statement-breakpoint
ALTER TABLE "public"."github_installation_repositories" RENAME CONSTRAINT "repositories_pkey" TO "github_installation_repositories_pkey";
--> statement-breakpoint
ALTER TABLE "public"."github_installation_repositories" RENAME CONSTRAINT "repositories_installation_id_fkey" TO "github_installation_repositories_installation_id_fkey";
--> statement-breakpoint
ALTER INDEX "public"."repositories_installation_id_name_idx" RENAME TO "github_installation_repositories_installation_id_name_idx";
--> statement-breakpoint
ALTER INDEX "public"."repositories_full_name_idx" RENAME TO "github_installation_repositories_full_name_idx";
