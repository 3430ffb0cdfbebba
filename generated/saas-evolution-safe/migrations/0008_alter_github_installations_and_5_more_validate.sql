SET LOCAL lock_timeout = '5s';
--> statement-breakpoint
ALTER TABLE "public"."github_installations" VALIDATE CONSTRAINT "github_installations_organization_id_fkey";
--> statement-breakpoint
ALTER TABLE "public"."repositories" VALIDATE CONSTRAINT "repositories_stars_check";
--> statement-breakpoint
ALTER TABLE "public"."organization_members" ADD CONSTRAINT "organization_members_org_member_key" UNIQUE USING INDEX "organization_members_org_member_key";
--> statement-breakpoint
ALTER TABLE "public"."audit_events" ADD CONSTRAINT "audit_events_pkey" PRIMARY KEY USING INDEX "audit_events_pkey";
