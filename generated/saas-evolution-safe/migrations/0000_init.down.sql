SET LOCAL lock_timeout = '5s';
--> statement-breakpoint
DROP TABLE "public"."github_installation_repositories";
--> statement-breakpoint
DROP TABLE "public"."github_installations";
--> statement-breakpoint
DROP TABLE "public"."organization_members";
--> statement-breakpoint
DROP TABLE "public"."organizations";
--> statement-breakpoint
DROP TABLE "public"."users";
--> statement-breakpoint
DROP TYPE "public"."plan";
--> statement-breakpoint
DROP TYPE "public"."member_role";
