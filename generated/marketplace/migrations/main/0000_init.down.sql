ALTER TABLE "public"."messages" DROP CONSTRAINT "messages_group_id_fkey";
--> statement-breakpoint
DROP TABLE "public"."groups";
--> statement-breakpoint
DROP TABLE "public"."messages";
--> statement-breakpoint
DROP TABLE "public"."products";
--> statement-breakpoint
DROP TYPE "public"."causes_enum";
--> statement-breakpoint
DROP TYPE "public"."publishing_status_enum";
--> statement-breakpoint
DROP EXTENSION IF EXISTS "uuid-ossp";
