CREATE TYPE "public"."result" AS ENUM ('ok', 'err', 'none', 'some', 'self', 'type', 'default');
--> statement-breakpoint
CREATE TYPE "public"."option" AS ENUM ('Some', 'None', 'Ok', 'Err', 'Self', 'crate', 'super');
--> statement-breakpoint
CREATE TABLE "public"."options" (
    "id"    bigint            NOT NULL GENERATED ALWAYS AS IDENTITY,
    "self"  text              NOT NULL,
    "crate" text,
    "super" integer           NOT NULL DEFAULT 0,
    "kind"  "public"."option" NOT NULL,
    CONSTRAINT "options_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."results" (
    "id"        bigint              NOT NULL GENERATED ALWAYS AS IDENTITY,
    "option_id" bigint              NOT NULL,
    "outcome"   "public"."result"   NOT NULL DEFAULT 'ok',
    "values"    "public"."result"[] NOT NULL,
    CONSTRAINT "results_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."strings" (
    "id"     text NOT NULL,
    "value"  text NOT NULL,
    "string" text,
    CONSTRAINT "strings_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."vecs" (
    "id"    bigint    NOT NULL GENERATED ALWAYS AS IDENTITY,
    "vec"   text[]    NOT NULL,
    "items" integer[],
    CONSTRAINT "vecs_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."boxes" (
    "id"       uuid  NOT NULL,
    "contents" jsonb NOT NULL,
    CONSTRAINT "boxes_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."hash_maps" (
    "id"   uuid   NOT NULL DEFAULT gen_random_uuid(),
    "key"  text   NOT NULL,
    "keys" text[] NOT NULL,
    CONSTRAINT "hash_maps_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "hash_maps_key_key" UNIQUE ("key")
);
--> statement-breakpoint
CREATE TABLE "public"."errors" (
    "id"      bigint      NOT NULL GENERATED ALWAYS AS IDENTITY,
    "message" text        NOT NULL,
    "at"      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT "errors_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."orders" (
    "id"      uuid          NOT NULL,
    "total"   numeric(12,2) NOT NULL,
    "order"   integer       NOT NULL DEFAULT 0,
    "limit"   integer,
    "after"   text,
    "placed"  timestamp     NOT NULL DEFAULT now(),
    "updated" timestamp     NOT NULL DEFAULT now(),
    CONSTRAINT "orders_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."reads" (
    "id"       bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    "order_id" uuid   NOT NULL,
    "db"       text   NOT NULL,
    CONSTRAINT "reads_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."writes" (
    "db"    bigint NOT NULL,
    "new"   text   NOT NULL,
    "patch" text,
    CONSTRAINT "writes_pkey" PRIMARY KEY ("db")
);
--> statement-breakpoint
CREATE TABLE "public"."sqls" (
    "id"        bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    "sql"       text   NOT NULL,
    "statement" text,
    CONSTRAINT "sqls_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."pages" (
    "id"     bigint  NOT NULL GENERATED ALWAYS AS IDENTITY,
    "row"    integer NOT NULL,
    "rows"   integer NOT NULL,
    "cursor" text,
    CONSTRAINT "pages_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."rows" (
    "id"      bigint   NOT NULL GENERATED ALWAYS AS IDENTITY,
    "read_id" bigint   NOT NULL,
    "columns" jsonb    NOT NULL,
    "changed" boolean  NOT NULL,
    "pairs"   interval,
    CONSTRAINT "rows_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "rows_read_id_key" UNIQUE ("read_id")
);
--> statement-breakpoint
CREATE TABLE "public"."to_sqls" (
    "id" bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    "ip" inet,
    CONSTRAINT "to_sqls_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."from_rows" (
    "key"   text NOT NULL,
    "error" text,
    CONSTRAINT "from_rows_pkey" PRIMARY KEY ("key")
);
--> statement-breakpoint
CREATE TABLE "public"."jsons" (
    "id"    bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    "json"  json   NOT NULL,
    "value" jsonb,
    CONSTRAINT "jsons_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."intos" (
    "id"   bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    "into" text   NOT NULL,
    CONSTRAINT "intos_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."defaults" (
    "id"      bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    "default" text   NOT NULL DEFAULT 'none',
    CONSTRAINT "defaults_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."formatters" (
    "id"     bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    "secret" text   NOT NULL,
    CONSTRAINT "formatters_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."naive_date_times" (
    "id"   bigint    NOT NULL GENERATED ALWAYS AS IDENTITY,
    "when" timestamp NOT NULL,
    CONSTRAINT "naive_date_times_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."uuids" (
    "id" uuid NOT NULL,
    CONSTRAINT "uuids_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."decimals" (
    "id"     bigint  NOT NULL GENERATED ALWAYS AS IDENTITY,
    "amount" numeric NOT NULL,
    CONSTRAINT "decimals_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."statement" (
    "id" bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    CONSTRAINT "statement_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."std" (
    "id" bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    CONSTRAINT "std_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."core" (
    "id" bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    CONSTRAINT "core_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."sensitives" (
    "id"      bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    "token"   text   NOT NULL,
    "details" jsonb,
    CONSTRAINT "sensitives_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."params" (
    "id"    bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    "param" text   NOT NULL,
    CONSTRAINT "params_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."syncs" (
    "id" bigint      NOT NULL GENERATED ALWAYS AS IDENTITY,
    "at" timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT "syncs_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."values" (
    "id"    bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    "value" jsonb  NOT NULL,
    CONSTRAINT "values_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."ulids" (
    "id"   uuid     NOT NULL,
    "span" interval,
    CONSTRAINT "ulids_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."date_times" (
    "id" bigint      NOT NULL GENERATED ALWAYS AS IDENTITY,
    "at" timestamptz NOT NULL,
    CONSTRAINT "date_times_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."utcs" (
    "id"  bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    "day" date   NOT NULL,
    CONSTRAINT "utcs_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."ip_addrs" (
    "id"   bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    "addr" inet   NOT NULL,
    CONSTRAINT "ip_addrs_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."pg_intervals" (
    "id"   bigint   NOT NULL GENERATED ALWAYS AS IDENTITY,
    "span" interval NOT NULL,
    CONSTRAINT "pg_intervals_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."selves" (
    "id"   bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    "self" text   NOT NULL,
    CONSTRAINT "selves_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."enums" (
    "id"   bigint            NOT NULL GENERATED ALWAYS AS IDENTITY,
    "kind" "public"."result" NOT NULL,
    CONSTRAINT "enums_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."ids" (
    "id" uuid NOT NULL,
    CONSTRAINT "ids_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."functions" (
    "id" bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    CONSTRAINT "functions_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE FUNCTION "public"."self"(db integer, rows integer) RETURNS integer
  LANGUAGE sql IMMUTABLE
  AS $$SELECT db + rows$$;
--> statement-breakpoint
CREATE INDEX "results_option_id_idx" ON "public"."results" ("option_id");
--> statement-breakpoint
CREATE INDEX "orders_placed_id_idx" ON "public"."orders" ("placed", "id");
--> statement-breakpoint
CREATE INDEX "reads_order_id_id_idx" ON "public"."reads" ("order_id", "id");
--> statement-breakpoint
ALTER TABLE "public"."results" ADD CONSTRAINT "results_option_id_fkey" FOREIGN KEY ("option_id") REFERENCES "public"."options" ("id") ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE "public"."reads" ADD CONSTRAINT "reads_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "public"."orders" ("id") ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE "public"."rows" ADD CONSTRAINT "rows_read_id_fkey" FOREIGN KEY ("read_id") REFERENCES "public"."reads" ("id") ON DELETE CASCADE;
--> statement-breakpoint
CREATE VIEW "public"."self" AS
SELECT id, self AS crate FROM selves;
--> statement-breakpoint
CREATE VIEW "public"."type" AS
SELECT o.id, o.self, o.kind, r.outcome AS result FROM options o JOIN results r ON r.option_id = o.id;
--> statement-breakpoint
CREATE FUNCTION "public"."option"(type bigint) RETURNS SETOF options
  LANGUAGE sql STABLE
  AS $$SELECT * FROM options WHERE id = type$$;
