CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
--> statement-breakpoint
CREATE TYPE "public"."users_roles_enum" AS ENUM ('moderator', 'admin', 'user');
--> statement-breakpoint
CREATE TYPE "public"."users_statuses_enum" AS ENUM ('inactive', 'verified', 'not-verified');
--> statement-breakpoint
CREATE TYPE "public"."platform_types_enum" AS ENUM ('dobe', 'cause-i', 'deed-o');
--> statement-breakpoint
CREATE TYPE "public"."user_verification_actions_enum" AS ENUM ('login', 'register');
--> statement-breakpoint
CREATE TABLE "public"."users" (
    "id"                          serial                         NOT NULL,
    "email"                       varchar                        NOT NULL,
    "name"                        varchar,
    "contact_number"              bigint,
    "contact_number_country_code" varchar,
    "city"                        varchar,
    "state"                       varchar,
    "country"                     varchar,
    "pincode"                     integer,
    "gender"                      varchar,
    "dob"                         date,
    "status"                      "public"."users_statuses_enum" NOT NULL DEFAULT 'not-verified',
    "registration_platform"       "public"."platform_types_enum" NOT NULL,
    "purpose_code"                varchar,
    "nationality"                 varchar,
    "ethnicity"                   varchar,
    "qualification"               varchar,
    "profession"                  varchar,
    "role"                        "public"."users_roles_enum"    NOT NULL DEFAULT 'user',
    "is_online"                   boolean                        DEFAULT false,
    "created_at"                  timestamp                      NOT NULL DEFAULT now(),
    "updated_at"                  timestamp                      NOT NULL DEFAULT now(),
    "deleted_at"                  timestamp,
    CONSTRAINT "users_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "users_email_key" UNIQUE ("email")
);
--> statement-breakpoint
CREATE TABLE "public"."tokens" (
    "id"            serial                         NOT NULL,
    "user_id"       integer                        NOT NULL,
    "expire_at"     timestamptz                    NOT NULL,
    "platform_type" "public"."platform_types_enum" NOT NULL,
    CONSTRAINT "tokens_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."user_verifications" (
    "id"                  uuid                                      NOT NULL DEFAULT uuid_generate_v4(),
    "user_id"             integer                                   NOT NULL,
    "otp_code"            varchar                                   NOT NULL,
    "verification_source" varchar                                   NOT NULL,
    "action_platform"     "public"."platform_types_enum"            NOT NULL,
    "action"              "public"."user_verification_actions_enum" NOT NULL,
    "verified"            boolean                                   NOT NULL DEFAULT false,
    "expire_at"           timestamptz                               NOT NULL,
    "created_at"          timestamptz                               NOT NULL DEFAULT now(),
    "updated_at"          timestamptz                               NOT NULL DEFAULT now(),
    CONSTRAINT "user_verifications_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE INDEX "user_verifications_id_user_id_otp_code_idx" ON "public"."user_verifications" ("id", "user_id", "otp_code");
--> statement-breakpoint
ALTER TABLE "public"."tokens" ADD CONSTRAINT "tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "public"."users" ("id") ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE "public"."user_verifications" ADD CONSTRAINT "user_verifications_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "public"."users" ("id") ON DELETE CASCADE;
