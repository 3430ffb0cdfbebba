ALTER TABLE "public"."organization_members"
  DROP CONSTRAINT "organization_members_organization_id_fkey",
  DROP CONSTRAINT "organization_members_user_id_fkey";
--> statement-breakpoint
ALTER TABLE "public"."github_installations" DROP CONSTRAINT "github_installations_organization_id_fkey";
--> statement-breakpoint
ALTER TABLE "public"."github_installation_repositories" DROP CONSTRAINT "github_installation_repositories_installation_id_fkey";
--> statement-breakpoint
DROP TABLE "public"."users";
--> statement-breakpoint
DROP TABLE "public"."organizations";
--> statement-breakpoint
DROP TABLE "public"."organization_members";
--> statement-breakpoint
DROP TABLE "public"."github_installations";
--> statement-breakpoint
DROP TABLE "public"."github_installation_repositories";
--> statement-breakpoint
DROP TYPE "public"."plan";
--> statement-breakpoint
DROP TYPE "public"."member_role";
