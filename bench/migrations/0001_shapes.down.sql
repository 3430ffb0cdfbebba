DROP TABLE "public"."comments";
--> statement-breakpoint
DROP TABLE "public"."posts";
--> statement-breakpoint
DROP TABLE "public"."users";
