DROP TABLE "public"."avatars";
--> statement-breakpoint
DROP TABLE "public"."user_tags";
--> statement-breakpoint
DROP TABLE "public"."users";
--> statement-breakpoint
DROP TABLE "public"."identity_connectors";
--> statement-breakpoint
DROP TABLE "public"."tenants";
--> statement-breakpoint
DROP TABLE "app_meta"."seeds";
--> statement-breakpoint
DROP TYPE "public"."tenant_plan";
--> statement-breakpoint
DROP TYPE "public"."idp_kind";
--> statement-breakpoint
DROP SCHEMA IF EXISTS "app_meta";
--> statement-breakpoint
DROP EXTENSION IF EXISTS "citext";
