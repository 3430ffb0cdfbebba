CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
--> statement-breakpoint
CREATE TYPE "public"."causes_enum" AS ENUM ('Grief care', 'Sustainable fashion', 'Sustainable tourism', 'Intangible culture and heritage', 'Sustainable food and agriculture');
--> statement-breakpoint
CREATE TYPE "public"."publishing_status_enum" AS ENUM ('published', 'draft', 'suggestion', 'rejected');
--> statement-breakpoint
CREATE TABLE "public"."groups" (
    "id"              uuid      NOT NULL DEFAULT uuid_generate_v4(),
    "name"            text      NOT NULL,
    "product_id"      varchar,
    "members"         integer[] DEFAULT '{}'::integer[],
    "last_message_id" uuid,
    "created_at"      timestamp DEFAULT now(),
    "updated_at"      timestamp DEFAULT now(),
    CONSTRAINT "groups_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."messages" (
    "id"          uuid      NOT NULL DEFAULT uuid_generate_v4(),
    "sender_id"   integer   NOT NULL,
    "group_id"    uuid      NOT NULL,
    "text"        text,
    "attachments" jsonb     DEFAULT '[]'::jsonb,
    "read_by"     integer[] DEFAULT '{}'::integer[],
    "timestamp"   timestamp DEFAULT now(),
    CONSTRAINT "messages_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."products" (
    "id"                varchar                           NOT NULL,
    "cause"             "public"."causes_enum"            NOT NULL,
    "mrp"               double precision                  NOT NULL,
    "selling_price"     double precision                  NOT NULL,
    "vendor_id"         integer                           NOT NULL,
    "images"            json                              NOT NULL DEFAULT '[]'::json,
    "title"             text                              NOT NULL,
    "description"       text                              NOT NULL,
    "product_url"       text                              NOT NULL,
    "publishing_status" "public"."publishing_status_enum" NOT NULL DEFAULT 'draft',
    "created_at"        timestamp                         NOT NULL DEFAULT now(),
    "updated_at"        timestamp                         NOT NULL DEFAULT now(),
    "remark"            text,
    CONSTRAINT "products_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "products_price_not_above_mrp_check" CHECK (selling_price <= mrp)
);
--> statement-breakpoint
CREATE INDEX "groups_product_id_idx" ON "public"."groups" ("product_id");
--> statement-breakpoint
CREATE INDEX "groups_members_idx" ON "public"."groups" USING gin ("members");
--> statement-breakpoint
CREATE INDEX "messages_group_id_idx" ON "public"."messages" ("group_id");
--> statement-breakpoint
CREATE INDEX "messages_sender_id_idx" ON "public"."messages" ("sender_id");
--> statement-breakpoint
CREATE INDEX "messages_timestamp_idx" ON "public"."messages" ("timestamp");
--> statement-breakpoint
CREATE INDEX "products_vendor_id_idx" ON "public"."products" ("vendor_id");
--> statement-breakpoint
CREATE INDEX "products_cause_idx" ON "public"."products" ("cause");
--> statement-breakpoint
CREATE INDEX "products_publishing_status_idx" ON "public"."products" ("publishing_status");
--> statement-breakpoint
CREATE INDEX "products_created_at_idx" ON "public"."products" ("created_at");
--> statement-breakpoint
ALTER TABLE "public"."groups"
  ADD CONSTRAINT "groups_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "public"."products" ("id"),
  ADD CONSTRAINT "groups_last_message_id_fkey" FOREIGN KEY ("last_message_id") REFERENCES "public"."messages" ("id") ON DELETE SET NULL;
--> statement-breakpoint
ALTER TABLE "public"."messages" ADD CONSTRAINT "messages_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "public"."groups" ("id");
--> statement-breakpoint
COMMENT ON COLUMN "public"."products"."id" IS 'IM_ followed by a short random ID';
