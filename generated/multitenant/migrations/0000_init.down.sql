ALTER TABLE "public"."identity_connectors" DROP CONSTRAINT "identity_connectors_tenant_id_fkey";
--> statement-breakpoint
ALTER TABLE "public"."users" DROP CONSTRAINT "users_tenant_id_fkey";
--> statement-breakpoint
ALTER TABLE "public"."user_tags" DROP CONSTRAINT "user_tags_user_id_fkey";
--> statement-breakpoint
ALTER TABLE "public"."avatars"
  DROP CONSTRAINT "avatars_user_id_fkey",
  DROP CONSTRAINT "avatars_tenant_id_fkey";
--> statement-breakpoint
DROP TABLE "app_meta"."seeds";
--> statement-breakpoint
DROP TABLE "public"."tenants";
--> statement-breakpoint
DROP TABLE "public"."identity_connectors";
--> statement-breakpoint
DROP TABLE "public"."users";
--> statement-breakpoint
DROP TABLE "public"."user_tags";
--> statement-breakpoint
DROP TABLE "public"."avatars";
--> statement-breakpoint
DROP TYPE "public"."tenant_plan";
--> statement-breakpoint
DROP TYPE "public"."idp_kind";
--> statement-breakpoint
DROP SCHEMA IF EXISTS "app_meta";
--> statement-breakpoint
DROP EXTENSION IF EXISTS "citext";
