CREATE TABLE "public"."items" (
    "id"         bigserial   NOT NULL,
    "name"       text        NOT NULL,
    "quantity"   integer     NOT NULL,
    "created_at" timestamptz NOT NULL DEFAULT now(),
    "attributes" jsonb       NOT NULL,
    CONSTRAINT "items_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."notes" (
    "id"      bigserial NOT NULL,
    "item_id" bigint    NOT NULL,
    "body"    text      NOT NULL,
    CONSTRAINT "notes_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
ALTER TABLE "public"."notes" ADD CONSTRAINT "notes_item_id_fkey" FOREIGN KEY ("item_id") REFERENCES "public"."items" ("id") ON DELETE CASCADE;
--> statement-breakpoint
CREATE INDEX "notes_item_id_idx" ON "public"."notes" ("item_id");
