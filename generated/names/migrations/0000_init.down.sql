DROP VIEW "public"."type";
--> statement-breakpoint
DROP VIEW "public"."self";
--> statement-breakpoint
DROP FUNCTION "public"."option"(bigint);
--> statement-breakpoint
DROP FUNCTION "public"."self"(integer, integer);
--> statement-breakpoint
DROP TABLE "public"."functions";
--> statement-breakpoint
DROP TABLE "public"."ids";
--> statement-breakpoint
DROP TABLE "public"."enums";
--> statement-breakpoint
DROP TABLE "public"."selves";
--> statement-breakpoint
DROP TABLE "public"."pg_intervals";
--> statement-breakpoint
DROP TABLE "public"."ip_addrs";
--> statement-breakpoint
DROP TABLE "public"."utcs";
--> statement-breakpoint
DROP TABLE "public"."date_times";
--> statement-breakpoint
DROP TABLE "public"."ulids";
--> statement-breakpoint
DROP TABLE "public"."values";
--> statement-breakpoint
DROP TABLE "public"."syncs";
--> statement-breakpoint
DROP TABLE "public"."params";
--> statement-breakpoint
DROP TABLE "public"."sensitives";
--> statement-breakpoint
DROP TABLE "public"."core";
--> statement-breakpoint
DROP TABLE "public"."std";
--> statement-breakpoint
DROP TABLE "public"."statement";
--> statement-breakpoint
DROP TABLE "public"."decimals";
--> statement-breakpoint
DROP TABLE "public"."uuids";
--> statement-breakpoint
DROP TABLE "public"."naive_date_times";
--> statement-breakpoint
DROP TABLE "public"."formatters";
--> statement-breakpoint
DROP TABLE "public"."defaults";
--> statement-breakpoint
DROP TABLE "public"."intos";
--> statement-breakpoint
DROP TABLE "public"."jsons";
--> statement-breakpoint
DROP TABLE "public"."from_rows";
--> statement-breakpoint
DROP TABLE "public"."to_sqls";
--> statement-breakpoint
DROP TABLE "public"."rows";
--> statement-breakpoint
DROP TABLE "public"."pages";
--> statement-breakpoint
DROP TABLE "public"."sqls";
--> statement-breakpoint
DROP TABLE "public"."writes";
--> statement-breakpoint
DROP TABLE "public"."reads";
--> statement-breakpoint
DROP TABLE "public"."orders";
--> statement-breakpoint
DROP TABLE "public"."errors";
--> statement-breakpoint
DROP TABLE "public"."hash_maps";
--> statement-breakpoint
DROP TABLE "public"."boxes";
--> statement-breakpoint
DROP TABLE "public"."vecs";
--> statement-breakpoint
DROP TABLE "public"."strings";
--> statement-breakpoint
DROP TABLE "public"."results";
--> statement-breakpoint
DROP TABLE "public"."options";
--> statement-breakpoint
DROP TYPE "public"."result";
--> statement-breakpoint
DROP TYPE "public"."option";
