ALTER TABLE "public"."organizations" ALTER COLUMN "plan" SET DEFAULT 'FREE';
