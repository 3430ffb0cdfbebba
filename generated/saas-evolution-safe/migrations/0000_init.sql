SET LOCAL lock_timeout = '5s';
--> statement-breakpoint
CREATE TYPE "public"."plan" AS ENUM ('FREE', 'PRO', 'ENTERPRISE');
--> statement-breakpoint
CREATE TYPE "public"."member_role" AS ENUM ('admin', 'member', 'billing');
--> statement-breakpoint
CREATE TABLE "public"."users" (
    "id"         text      NOT NULL,
    "email"      text      NOT NULL,
    "is_admin"   boolean   NOT NULL DEFAULT false,
    "first_name" text      NOT NULL,
    "last_name"  text      NOT NULL,
    "photo_url"  text      NOT NULL,
    "deleted"    boolean   NOT NULL DEFAULT false,
    "deleted_at" timestamp,
    "created_at" timestamp NOT NULL DEFAULT now(),
    "updated_at" timestamp NOT NULL DEFAULT now(),
    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."organizations" (
    "id"         text            NOT NULL,
    "name"       text            NOT NULL,
    "plan"       "public"."plan" NOT NULL DEFAULT 'FREE',
    "deleted"    boolean         NOT NULL DEFAULT false,
    "deleted_at" timestamp,
    "created_at" timestamp       NOT NULL DEFAULT now(),
    "updated_at" timestamp       NOT NULL DEFAULT now(),
    CONSTRAINT "organizations_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."organization_members" (
    "id"              text                   NOT NULL,
    "organization_id" text                   NOT NULL,
    "user_id"         text                   NOT NULL,
    "role"            "public"."member_role" NOT NULL DEFAULT 'member',
    "deleted"         boolean                NOT NULL DEFAULT false,
    "deleted_at"      timestamp,
    "created_at"      timestamp              NOT NULL DEFAULT now(),
    "updated_at"      timestamp              NOT NULL DEFAULT now(),
    CONSTRAINT "organization_members_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "organization_members_organization_id_user_id_key" UNIQUE ("organization_id", "user_id"),
    CONSTRAINT "organization_members_role_known_check" CHECK (role IN ('admin', 'member', 'billing'))
);
--> statement-breakpoint
CREATE TABLE "public"."github_installations" (
    "id"              text      NOT NULL,
    "organization_id" text      NOT NULL,
    "account_login"   text      NOT NULL,
    "suspended_at"    timestamp,
    "deleted"         boolean   NOT NULL DEFAULT false,
    "deleted_at"      timestamp,
    "created_at"      timestamp NOT NULL DEFAULT now(),
    "updated_at"      timestamp NOT NULL DEFAULT now(),
    CONSTRAINT "github_installations_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."github_installation_repositories" (
    "id"              text      NOT NULL,
    "installation_id" text      NOT NULL,
    "name"            text      NOT NULL,
    "full_name"       text      NOT NULL,
    "private"         boolean   NOT NULL DEFAULT false,
    "topics"          text[]    NOT NULL DEFAULT '{}'::text[],
    "deleted"         boolean   NOT NULL DEFAULT false,
    "deleted_at"      timestamp,
    "created_at"      timestamp NOT NULL DEFAULT now(),
    "updated_at"      timestamp NOT NULL DEFAULT now(),
    CONSTRAINT "github_installation_repositories_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_live_key" ON "public"."users" ("email") WHERE deleted_at IS NULL;
--> statement-breakpoint
CREATE INDEX "organization_members_user_id_role_idx" ON "public"."organization_members" ("user_id") INCLUDE ("role");
--> statement-breakpoint
CREATE INDEX "organization_members_organization_id_id_idx" ON "public"."organization_members" ("organization_id", "id");
--> statement-breakpoint
CREATE INDEX "github_installations_organization_id_idx" ON "public"."github_installations" ("organization_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "github_installation_repositories_installation_id_name_idx" ON "public"."github_installation_repositories" ("installation_id", "name") WHERE deleted_at IS NULL;
--> statement-breakpoint
CREATE INDEX "github_installation_repositories_full_name_idx" ON "public"."github_installation_repositories" USING hash ("full_name");
--> statement-breakpoint
ALTER TABLE "public"."organization_members"
  ADD CONSTRAINT "organization_members_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations" ("id") ON DELETE CASCADE,
  ADD CONSTRAINT "organization_members_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "public"."users" ("id") ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE "public"."github_installations" ADD CONSTRAINT "github_installations_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations" ("id") ON DELETE RESTRICT ON UPDATE CASCADE;
--> statement-breakpoint
ALTER TABLE "public"."github_installation_repositories" ADD CONSTRAINT "github_installation_repositories_installation_id_fkey" FOREIGN KEY ("installation_id") REFERENCES "public"."github_installations" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFERRABLE;
--> statement-breakpoint
COMMENT ON COLUMN "public"."organizations"."name" IS 'Shown as the company name';
--> statement-breakpoint
COMMENT ON COLUMN "public"."github_installations"."id" IS 'GitHub''s installation ID';
--> statement-breakpoint
COMMENT ON COLUMN "public"."github_installation_repositories"."id" IS 'GitHub''s repository ID';
