CREATE EXTENSION IF NOT EXISTS "btree_gin";
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS "pg_trgm";
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
--> statement-breakpoint
CREATE TYPE "public"."process_status" AS ENUM ('pending', 'classifying', 'choosing', 'ordered', 'delivered', 'cancelled');
--> statement-breakpoint
CREATE TYPE "public"."notification_type" AS ENUM ('WELCOME', 'REMINDER', 'GIFT_SUGGESTED', 'GIFT_DELIVERED');
--> statement-breakpoint
CREATE TYPE "public"."relationship_type" AS ENUM ('family', 'friend', 'partner', 'colleague', 'SYSTEM');
--> statement-breakpoint
CREATE TABLE "public"."classifier_questions" (
    "id"       integer  NOT NULL GENERATED ALWAYS AS IDENTITY,
    "question" text     NOT NULL,
    "position" smallint NOT NULL,
    "choices"  text[]   NOT NULL DEFAULT '{"yes","no","maybe"}'::text[],
    CONSTRAINT "classifier_questions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "classifier_questions_position_key" UNIQUE ("position")
);
--> statement-breakpoint
CREATE TABLE "public"."gift_processes" (
    "id"               uuid                      NOT NULL DEFAULT uuid_generate_v4(),
    "recipient_id"     uuid                      NOT NULL,
    "occasion_id"      uuid,
    "relationship_id"  uuid,
    "selected_gift_id" uuid,
    "status"           "public"."process_status" NOT NULL DEFAULT 'pending',
    "budget"           numeric(10,2),
    "state"            jsonb                     NOT NULL DEFAULT '{}'::jsonb,
    "created_at"       timestamp                 NOT NULL DEFAULT now(),
    "updated_at"       timestamp                 NOT NULL DEFAULT now(),
    CONSTRAINT "gift_processes_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "gift_processes_budget_check" CHECK (budget IS NULL OR budget >= 0)
);
--> statement-breakpoint
CREATE TABLE "public"."process_answers" (
    "process_id"  uuid      NOT NULL,
    "question_id" integer   NOT NULL,
    "answer"      text      NOT NULL,
    "answered_at" timestamp NOT NULL DEFAULT now(),
    CONSTRAINT "process_answers_pkey" PRIMARY KEY ("process_id", "question_id")
);
--> statement-breakpoint
CREATE TABLE "public"."notifications" (
    "id"         bigserial                    NOT NULL,
    "user_id"    uuid                         NOT NULL,
    "type"       "public"."notification_type" NOT NULL,
    "message"    text                         NOT NULL,
    "read_at"    timestamp,
    "created_at" timestamp                    NOT NULL DEFAULT now(),
    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."gift_categories" (
    "id"        serial      NOT NULL,
    "name"      varchar(60) NOT NULL,
    "parent_id" integer,
    CONSTRAINT "gift_categories_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "gift_categories_name_key" UNIQUE ("name")
);
--> statement-breakpoint
CREATE TABLE "public"."gifts" (
    "id"          uuid          NOT NULL DEFAULT uuid_generate_v4(),
    "category_id" integer       NOT NULL DEFAULT 1,
    "name"        text          NOT NULL,
    "description" text,
    "price"       numeric(10,2) NOT NULL,
    "currency"    char(3)       NOT NULL DEFAULT 'EUR',
    "tags"        text[]        NOT NULL DEFAULT '{}'::text[],
    "metadata"    jsonb         NOT NULL DEFAULT '{}'::jsonb,
    "search"      tsvector      NOT NULL GENERATED ALWAYS AS (to_tsvector('english', name || ' ' || coalesce(description, ''))) STORED,
    "created_at"  timestamp     NOT NULL DEFAULT now(),
    "updated_at"  timestamp     NOT NULL DEFAULT now(),
    CONSTRAINT "gifts_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "gifts_price_positive_check" CHECK (price > 0)
);
--> statement-breakpoint
CREATE TABLE "public"."occasions" (
    "id"                 uuid      NOT NULL DEFAULT uuid_generate_v4(),
    "user_id"            uuid      NOT NULL,
    "title"              text      NOT NULL,
    "occurs_on"          date      NOT NULL,
    "recurs_every"       interval,
    "remind_days_before" smallint  NOT NULL DEFAULT 7,
    "created_at"         timestamp NOT NULL DEFAULT now(),
    "updated_at"         timestamp NOT NULL DEFAULT now(),
    CONSTRAINT "occasions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "occasions_remind_days_before_check" CHECK (remind_days_before BETWEEN 0 AND 60)
);
--> statement-breakpoint
CREATE TABLE "public"."users" (
    "id"          uuid      NOT NULL DEFAULT uuid_generate_v4(),
    "email"       text      NOT NULL,
    "name"        text      NOT NULL,
    "is_active"   boolean   NOT NULL DEFAULT true,
    "preferences" jsonb     NOT NULL DEFAULT '{"theme": "light", "notifications": {"email": true, "push": false}}'::jsonb,
    "birthday"    date,
    "created_at"  timestamp NOT NULL DEFAULT now(),
    "updated_at"  timestamp NOT NULL DEFAULT now(),
    CONSTRAINT "users_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "users_email_key" UNIQUE ("email")
);
--> statement-breakpoint
CREATE TABLE "public"."relationships" (
    "id"                uuid                         NOT NULL DEFAULT uuid_generate_v4(),
    "user_id"           uuid                         NOT NULL,
    "related_user_id"   uuid                         NOT NULL,
    "relationship_type" "public"."relationship_type" NOT NULL,
    "nickname"          varchar(80),
    "created_at"        timestamp                    NOT NULL DEFAULT now(),
    "updated_at"        timestamp                    NOT NULL DEFAULT now(),
    CONSTRAINT "relationships_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "relationships_user_id_related_user_id_key" UNIQUE ("user_id", "related_user_id"),
    CONSTRAINT "relationships_not_self_check" CHECK (user_id <> related_user_id)
);
--> statement-breakpoint
CREATE FUNCTION "public"."gifts_between"(low numeric, high numeric) RETURNS SETOF gifts
  LANGUAGE sql STABLE
  AS $$SELECT * FROM gifts WHERE price BETWEEN low AND high ORDER BY price, id$$;
--> statement-breakpoint
COMMENT ON FUNCTION "public"."gifts_between"(numeric, numeric) IS 'The gifts priced from `low` to `high`, cheapest first.';
--> statement-breakpoint
CREATE FUNCTION "public"."category_gift_count"(category integer) RETURNS bigint
  LANGUAGE sql STABLE
  AS $$SELECT count(*) FROM gifts WHERE category_id = category$$;
--> statement-breakpoint
CREATE INDEX "idx_processes_status_recipient" ON "public"."gift_processes" ("status", "recipient_id", "created_at");
--> statement-breakpoint
CREATE INDEX "gift_processes_recipient_id_created_at_idx" ON "public"."gift_processes" ("recipient_id", "created_at");
--> statement-breakpoint
CREATE INDEX "notifications_unread_idx" ON "public"."notifications" ("user_id", "created_at" DESC) WHERE read_at IS NULL;
--> statement-breakpoint
CREATE INDEX "idx_gifts_name_fts" ON "public"."gifts" USING gin ((to_tsvector('english', name)));
--> statement-breakpoint
CREATE INDEX "gifts_name_idx" ON "public"."gifts" USING gin ("name" gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX "gifts_tags_idx" ON "public"."gifts" USING gin ("tags");
--> statement-breakpoint
CREATE INDEX "gifts_search_idx" ON "public"."gifts" USING gin ("search");
--> statement-breakpoint
CREATE INDEX "gifts_category_id_price_idx" ON "public"."gifts" ("category_id", "price" DESC);
--> statement-breakpoint
CREATE INDEX "occasions_user_id_occurs_on_idx" ON "public"."occasions" ("user_id", "occurs_on");
--> statement-breakpoint
CREATE INDEX "users_preferences_idx" ON "public"."users" USING gin ("preferences");
--> statement-breakpoint
CREATE UNIQUE INDEX "users_lower_idx" ON "public"."users" ((lower(email)));
--> statement-breakpoint
ALTER TABLE "public"."gift_processes"
  ADD CONSTRAINT "gift_processes_recipient_id_fkey" FOREIGN KEY ("recipient_id") REFERENCES "public"."users" ("id") ON DELETE CASCADE,
  ADD CONSTRAINT "gift_processes_occasion_id_fkey" FOREIGN KEY ("occasion_id") REFERENCES "public"."occasions" ("id") ON DELETE SET NULL,
  ADD CONSTRAINT "gift_processes_relationship_id_fkey" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships" ("id") ON DELETE SET NULL,
  ADD CONSTRAINT "gift_processes_selected_gift_id_fkey" FOREIGN KEY ("selected_gift_id") REFERENCES "public"."gifts" ("id");
--> statement-breakpoint
ALTER TABLE "public"."process_answers"
  ADD CONSTRAINT "process_answers_process_id_fkey" FOREIGN KEY ("process_id") REFERENCES "public"."gift_processes" ("id") ON DELETE CASCADE,
  ADD CONSTRAINT "process_answers_question_id_fkey" FOREIGN KEY ("question_id") REFERENCES "public"."classifier_questions" ("id");
--> statement-breakpoint
ALTER TABLE "public"."notifications" ADD CONSTRAINT "notifications_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "public"."users" ("id") ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE "public"."gift_categories" ADD CONSTRAINT "gift_categories_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "public"."gift_categories" ("id") ON DELETE SET NULL;
--> statement-breakpoint
ALTER TABLE "public"."gifts" ADD CONSTRAINT "gifts_category_id_fkey" FOREIGN KEY ("category_id") REFERENCES "public"."gift_categories" ("id") ON DELETE SET DEFAULT;
--> statement-breakpoint
ALTER TABLE "public"."occasions" ADD CONSTRAINT "occasions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "public"."users" ("id") ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE "public"."relationships"
  ADD CONSTRAINT "relationships_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "public"."users" ("id") ON DELETE CASCADE,
  ADD CONSTRAINT "relationships_related_user_id_fkey" FOREIGN KEY ("related_user_id") REFERENCES "public"."users" ("id") ON DELETE CASCADE;
--> statement-breakpoint
CREATE VIEW "public"."gift_listings" AS
SELECT g.id, g.name, g.price, g.currency, c.name AS category
FROM gifts g JOIN gift_categories c ON c.id = g.category_id;
--> statement-breakpoint
COMMENT ON VIEW "public"."gift_listings" IS 'Each gift with its category''s name, as the catalogue pages show it.';
--> statement-breakpoint
CREATE MATERIALIZED VIEW "public"."category_prices" AS
SELECT c.id AS category_id, c.name AS category, count(g.id) AS gifts,
       min(g.price) AS lowest, max(g.price) AS highest
FROM gift_categories c LEFT JOIN gifts g ON g.category_id = c.id
GROUP BY c.id, c.name;
--> statement-breakpoint
CREATE UNIQUE INDEX "category_prices_category_id_idx" ON "public"."category_prices" ("category_id");
--> statement-breakpoint
COMMENT ON MATERIALIZED VIEW "public"."category_prices" IS 'The number of gifts of each category and their price range.';
--> statement-breakpoint
COMMENT ON TYPE "public"."relationship_type" IS 'How two people on Ivyi know each other';
--> statement-breakpoint
COMMENT ON COLUMN "public"."occasions"."recurs_every" IS 'NULL for a one-off occasion';
--> statement-breakpoint
COMMENT ON TABLE "public"."users" IS 'People who give and receive gifts';
