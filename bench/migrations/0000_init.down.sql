DROP TABLE "public"."notes";
--> statement-breakpoint
DROP TABLE "public"."items";
