CREATE TABLE "public"."users" (
    "id"         serial NOT NULL,
    "name"       text   NOT NULL,
    "hair_color" text,
    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."posts" (
    "id"      serial  NOT NULL,
    "user_id" integer NOT NULL,
    "title"   text    NOT NULL,
    "body"    text,
    CONSTRAINT "posts_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE TABLE "public"."comments" (
    "id"      serial  NOT NULL,
    "post_id" integer NOT NULL,
    "text"    text    NOT NULL,
    CONSTRAINT "comments_pkey" PRIMARY KEY ("id")
);
--> statement-breakpoint
CREATE INDEX "posts_user_id_idx" ON "public"."posts" ("user_id");
--> statement-breakpoint
CREATE INDEX "comments_post_id_idx" ON "public"."comments" ("post_id");
--> statement-breakpoint
ALTER TABLE "public"."posts" ADD CONSTRAINT "posts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "public"."users" ("id");
--> statement-breakpoint
ALTER TABLE "public"."comments" ADD CONSTRAINT "comments_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "public"."posts" ("id");
