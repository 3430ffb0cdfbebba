DROP TABLE "public"."user_verifications";
--> statement-breakpoint
DROP TABLE "public"."tokens";
--> statement-breakpoint
DROP TABLE "public"."users";
--> statement-breakpoint
DROP TYPE "public"."users_roles_enum";
--> statement-breakpoint
DROP TYPE "public"."users_statuses_enum";
--> statement-breakpoint
DROP TYPE "public"."platform_types_enum";
--> statement-breakpoint
DROP TYPE "public"."user_verification_actions_enum";
--> statement-breakpoint
DROP EXTENSION IF EXISTS "uuid-ossp";
