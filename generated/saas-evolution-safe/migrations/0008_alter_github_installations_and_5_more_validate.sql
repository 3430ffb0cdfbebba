SET LOCAL lock_timeout = '5s';
--> statement-breakpoint
-- hazard data_dependent (schema/github.yaml:2): FOREIGN KEY github_installations_organization_id_fkey fails on a row of github_installations whose organization_id matches no row of organizations
--   rows it fails on: SELECT count(*) FROM "public"."github_installations" AS c WHERE c."organization_id" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "public"."organizations" AS p WHERE p."id" = c."organization_id")
ALTER TABLE "public"."github_installations" VALIDATE CONSTRAINT "github_installations_organization_id_fkey";
--> statement-breakpoint
-- hazard data_dependent (schema/github.yaml:13): CHECK repositories_stars_check fails on a row of repositories it does not hold for
--   rows it fails on: SELECT count(*) FROM "public"."repositories" WHERE NOT (stars >= 0)
ALTER TABLE "public"."repositories" VALIDATE CONSTRAINT "repositories_stars_check";
--> statement-breakpoint
ALTER TABLE "public"."organization_members" ADD CONSTRAINT "organization_members_org_member_key" UNIQUE USING INDEX "organization_members_org_member_key";
--> statement-breakpoint
ALTER TABLE "public"."audit_events" ADD CONSTRAINT "audit_events_pkey" PRIMARY KEY USING INDEX "audit_events_pkey";
