SET LOCAL lock_timeout = '5s';
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS "citext";
--> statement-breakpoint
ALTER TYPE "public"."plan" ADD VALUE 'TEAM' AFTER 'PRO';
--> statement-breakpoint
CREATE TABLE "public"."audit_events" (
    "id"         integer   NOT NULL,
    "action"     text      NOT NULL,
    "payload"    jsonb     NOT NULL DEFAULT '{}'::jsonb,
    "created_at" timestamp NOT NULL DEFAULT now(),
    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
ALTER TABLE "public"."users"
  ADD COLUMN "locale" text NOT NULL DEFAULT 'en',
  ADD COLUMN "country" char(2);
--> statement-breakpoint
ALTER TABLE "public"."github_installation_repositories" ADD COLUMN "stars" integer NOT NULL DEFAULT 0;
--> statement-breakpoint
COMMENT ON TABLE "public"."audit_events" IS 'What happened, for support';
