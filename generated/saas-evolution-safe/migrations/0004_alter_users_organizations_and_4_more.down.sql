SET LOCAL lock_timeout = '5s';
--> statement-breakpoint
ALTER TABLE "public"."users"
  ALTER COLUMN "email" TYPE text USING "email"::text,
  ALTER COLUMN "last_name" SET NOT NULL,
  ALTER COLUMN "created_at" TYPE timestamp USING "created_at" AT TIME ZONE 'UTC',
  ALTER COLUMN "locale" SET DEFAULT 'en',
  ALTER COLUMN "country" DROP NOT NULL;
--> statement-breakpoint
ALTER TABLE "public"."organizations" ALTER COLUMN "created_at" TYPE timestamp USING "created_at" AT TIME ZONE 'UTC';
--> statement-breakpoint
ALTER TABLE "public"."organization_members" ALTER COLUMN "created_at" TYPE timestamp USING "created_at" AT TIME ZONE 'UTC';
--> statement-breakpoint
ALTER TABLE "public"."github_installations" ALTER COLUMN "created_at" TYPE timestamp USING "created_at" AT TIME ZONE 'UTC';
--> statement-breakpoint
ALTER TABLE "public"."repositories"
  ALTER COLUMN "created_at" TYPE timestamp USING "created_at" AT TIME ZONE 'UTC',
  ALTER COLUMN "stars" TYPE integer USING "stars"::integer;
--> statement-breakpoint
ALTER TABLE "public"."audit_events" ALTER COLUMN "id" DROP IDENTITY;
