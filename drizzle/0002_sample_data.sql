-- The sample catalogue and orders of the original brief. The brief gives the
-- three orders one datetime, which the 3-hour rule forbids, so they are
-- seeded 3 hours apart from 2022-11-01T11:11:11.111Z. Ids are given
-- explicitly; server-assigned ids start at 1000 and never collide.
INSERT INTO "services" ("id", "name") VALUES
  (123, 'Inspection'),
  (789, 'Testing'),
  (456, 'Analysis');
--> statement-breakpoint
INSERT INTO "orders" ("id", "datetime", "totalfee", "created_at", "updated_at") VALUES
  (223, '2022-11-01T11:11:11.111Z', 100, '2022-11-01T00:00:00.000Z', '2022-11-01T00:00:00.000Z'),
  (224, '2022-11-01T14:11:11.111Z', 100, '2022-11-01T00:00:00.000Z', '2022-11-01T00:00:00.000Z'),
  (225, '2022-11-01T17:11:11.111Z', 100, '2022-11-01T00:00:00.000Z', '2022-11-01T00:00:00.000Z');
--> statement-breakpoint
INSERT INTO "order_services" ("order_id", "service_id", "position") VALUES
  (223, 123, 0),
  (224, 789, 0),
  (225, 456, 0);
