ALTER TABLE "public"."tokens" DROP CONSTRAINT "tokens_user_id_fkey";
--> statement-breakpoint
ALTER TABLE "public"."user_verifications" DROP CONSTRAINT "user_verifications_user_id_fkey";
--> statement-breakpoint
DROP TABLE "public"."users";
--> statement-breakpoint
DROP TABLE "public"."tokens";
--> statement-breakpoint
DROP TABLE "public"."user_verifications";
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
