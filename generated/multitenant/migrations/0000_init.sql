CREATE EXTENSION IF NOT EXISTS "citext";
--> statement-breakpoint
CREATE SCHEMA IF NOT EXISTS "app_meta";
--> statement-breakpoint
CREATE TYPE "public"."tenant_plan" AS ENUM ('free', 'team', 'enterprise');
--> statement-breakpoint
CREATE TYPE "public"."idp_kind" AS ENUM ('oidc', 'saml');
--> statement-breakpoint
CREATE TABLE "app_meta"."seeds" (
    "name"        text        NOT NULL,
    "environment" varchar(20) NOT NULL,
    "sha256"      char(64)    NOT NULL,
    "applied_at"  timestamptz NOT NULL DEFAULT now(),
    "duration"    interval,
    CONSTRAINT "seeds_pkey" PRIMARY KEY ("name"),
    CONSTRAINT "seeds_environment_check" CHECK (environment IN ('development', 'production'))
);
--> statement-breakpoint
CREATE TABLE "public"."tenants" (
    "tenant_id"    uuid                   NOT NULL,
    "slug"         varchar(63)            NOT NULL,
    "display_name" text                   NOT NULL,
    "plan"         "public"."tenant_plan" NOT NULL DEFAULT 'free',
    "seats"        integer                NOT NULL DEFAULT 5,
    "settings"     jsonb                  NOT NULL DEFAULT '{"locale": "en-GB", "features": []}'::jsonb,
    "created_at"   timestamptz            NOT NULL DEFAULT now(),
    "updated_at"   timestamptz,
    CONSTRAINT "tenants_pkey" PRIMARY KEY ("tenant_id"),
    CONSTRAINT "tenants_slug_key" UNIQUE ("slug"),
    CONSTRAINT "tenants_slug_check" CHECK (slug ~ '^[a-z0-9-]+$'),
    CONSTRAINT "tenants_seats_check" CHECK (seats > 0)
);
--> statement-breakpoint
CREATE TABLE "public"."identity_connectors" (
    "connector_id" uuid                NOT NULL,
    "tenant_id"    uuid                NOT NULL,
    "kind"         "public"."idp_kind" NOT NULL,
    "issuer_url"   text                NOT NULL,
    "state"        jsonb               NOT NULL,
    "created_at"   timestamptz         NOT NULL DEFAULT now(),
    "updated_at"   timestamptz,
    CONSTRAINT "identity_connectors_pkey" PRIMARY KEY ("connector_id"),
    CONSTRAINT "identity_connectors_tenant_id_issuer_url_key" UNIQUE ("tenant_id", "issuer_url")
);
--> statement-breakpoint
CREATE TABLE "public"."users" (
    "user_id"       uuid        NOT NULL,
    "tenant_id"     uuid        NOT NULL,
    "email"         citext      NOT NULL,
    "display_name"  text,
    "idp_user_info" jsonb,
    "last_seen_ip"  inet,
    "roles"         text[]      NOT NULL DEFAULT '{"member"}'::text[],
    "managers"      uuid[]      NOT NULL DEFAULT '{}'::uuid[],
    "created_at"    timestamptz NOT NULL DEFAULT now(),
    "updated_at"    timestamptz,
    CONSTRAINT "users_pkey" PRIMARY KEY ("user_id"),
    CONSTRAINT "users_tenant_id_email_key" UNIQUE ("tenant_id", "email")
);
--> statement-breakpoint
CREATE TABLE "public"."user_tags" (
    "user_id" uuid         NOT NULL,
    "key"     varchar(100) NOT NULL,
    "value"   text         NOT NULL,
    "set_at"  timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT "user_tags_pkey" PRIMARY KEY ("user_id", "key"),
    CONSTRAINT "user_tags_key_not_blank_check" CHECK (btrim(key) <> '')
);
--> statement-breakpoint
CREATE TABLE "public"."avatars" (
    "file_id"      uuid         NOT NULL,
    "user_id"      uuid         NOT NULL,
    "content_type" varchar(100) NOT NULL DEFAULT 'image/png',
    "size_bytes"   bigint       NOT NULL,
    "sha256"       bytea        NOT NULL,
    "tenant_id"    uuid         NOT NULL,
    "bucket"       text         NOT NULL,
    "object_name"  text         NOT NULL,
    "created_at"   timestamptz  NOT NULL DEFAULT now(),
    "updated_at"   timestamptz,
    CONSTRAINT "avatars_pkey" PRIMARY KEY ("file_id"),
    CONSTRAINT "avatars_user_id_key" UNIQUE ("user_id"),
    CONSTRAINT "avatars_size_bytes_check" CHECK (size_bytes BETWEEN 1 AND 10485760),
    CONSTRAINT "avatars_object_name_relative_check" CHECK (object_name NOT LIKE '/%')
);
--> statement-breakpoint
CREATE INDEX "seeds_environment_applied_at_idx" ON "app_meta"."seeds" ("environment", "applied_at" DESC NULLS LAST);
--> statement-breakpoint
CREATE INDEX "users_tenant_id_user_id_idx" ON "public"."users" ("tenant_id", "user_id");
--> statement-breakpoint
CREATE INDEX "users_roles_idx" ON "public"."users" USING gin ("roles");
--> statement-breakpoint
ALTER TABLE "public"."identity_connectors" ADD CONSTRAINT "identity_connectors_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants" ("tenant_id") ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE "public"."users" ADD CONSTRAINT "users_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants" ("tenant_id") ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE "public"."user_tags" ADD CONSTRAINT "user_tags_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "public"."users" ("user_id") ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE "public"."avatars"
  ADD CONSTRAINT "avatars_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "public"."users" ("user_id") ON DELETE CASCADE,
  ADD CONSTRAINT "avatars_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants" ("tenant_id") ON DELETE CASCADE;
--> statement-breakpoint
COMMENT ON TABLE "app_meta"."seeds" IS 'Seed files applied to this database, with their hash so an applied seed cannot change';
--> statement-breakpoint
COMMENT ON TABLE "public"."tenants" IS 'A customer organisation; everything else hangs off it';
--> statement-breakpoint
COMMENT ON COLUMN "public"."identity_connectors"."state" IS 'Encrypted by the vault before it is stored';
