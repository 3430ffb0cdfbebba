ALTER TYPE "public"."billing_plan" ADD VALUE 'STARTER' AFTER 'FREE';
