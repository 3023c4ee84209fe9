-- The services catalogue of the original brief: reference data, in every
-- database. (The file's name is as it was first applied; see below.)
--
-- This migration also seeded the sample orders 223-225 until they moved to
-- src/db/sample-data.ts, which seeds them at start only when SAMPLE_DATA=true.
-- Editing an applied migration is safe here because drizzle's migrator
-- applies a migration when its journal `when` is newer than the newest
-- `created_at` in drizzle.__drizzle_migrations: it stores each file's hash
-- but never compares it. So databases that ran the old version keep their
-- sample orders (remove them as docs/operations.md says) and new ones never
-- get them from here. Ids are given explicitly; server-assigned ids start at
-- 1000 and never collide.
INSERT INTO "services" ("id", "name") VALUES
  (123, 'Inspection'),
  (789, 'Testing'),
  (456, 'Analysis');
