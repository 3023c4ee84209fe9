CREATE TABLE "event_feed_start" (
	"singleton" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"tx" "xid8" NOT NULL,
	"id" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tx" "xid8" DEFAULT pg_current_xact_id() NOT NULL,
	"type" text NOT NULL,
	"occurred_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"order_id" bigint,
	"service_id" bigint,
	"data" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX "events_tx_id_idx" ON "events" USING btree ("tx","id");--> statement-breakpoint
CREATE INDEX "events_order_id_tx_id_idx" ON "events" USING btree ("order_id","tx","id");