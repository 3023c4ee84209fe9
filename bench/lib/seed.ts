// Bench data: orders exactly 3 hours apart from 2030-01-01, each booking two
// sample services, loaded by the database itself (INSERT … SELECT
// generate_series) rather than through the API, so a million rows take
// seconds. Benchmark creates go to their own slots far after the data.
import { type SQL, sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';

export const DATA_START = Date.UTC(2030, 0, 1);
export const SLOT_MS = 3 * 3_600_000;
/** Creates made by a benchmark start here, after a million seeded slots. */
export const CREATES_START = Date.UTC(2500, 0, 1);

/** Adds orders number `from` to `to - 1` of the series (slot i is DATA_START + i·3h). */
export async function seedOrders(db: Database, from: number, to: number): Promise<void> {
  await db.execute(sql`
    with added as (
      insert into orders (datetime, totalfee, created_at, updated_at)
      select ${new Date(DATA_START).toISOString()}::timestamptz + g * interval '3 hours', 100 + g % 100,
             timestamptz '2029-01-01T00:00:00Z', timestamptz '2029-01-01T00:00:00Z'
      from generate_series(${from}::int, ${to - 1}::int) as g
      returning id)
    insert into order_services (order_id, service_id, position)
    select id, s.service_id, s.position from added, (values (123::bigint, 0::smallint), (456, 1)) as s(service_id, position)`);
  await db.execute(sql`analyze orders`);
  await db.execute(sql`analyze order_services`);
}

/** Rows of a raw query, whichever driver ran it (postgres.js gives an array, PGlite `{ rows }`). */
export async function rowsOf<T>(db: Database, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** The ids of the seeded orders (consecutive) and how many there are. */
export async function seededRange(db: Database): Promise<{ firstId: number; lastId: number; count: number }> {
  const [row] = await rowsOf<{ first: string; last: string; count: string }>(
    db,
    sql`
    select min(id)::text as first, max(id)::text as last, count(*)::text as count
    from orders where datetime >= ${new Date(DATA_START).toISOString()}::timestamptz
      and datetime < ${new Date(CREATES_START).toISOString()}::timestamptz`,
  );
  return { firstId: Number(row!.first), lastId: Number(row!.last), count: Number(row!.count) };
}

/**
 * Where bench:scale asks about availability: from 2450, after a million
 * seeded slots, AVAILABILITY_DAYS days each booked at 00, 03, 06, 09 and
 * 12 h and free from 15 to 21 h. The same block in every database, so the
 * figures compare table sizes, not calendars.
 */
export const AVAILABILITY_START = Date.UTC(2450, 0, 1);
export const AVAILABILITY_DAYS = 62;
export const DAY_MS = 24 * 3_600_000;

export async function seedAvailabilityBlock(db: Database): Promise<void> {
  await db.execute(sql`
    with added as (
      insert into orders (datetime, totalfee)
      select ${new Date(AVAILABILITY_START).toISOString()}::timestamptz + d * interval '24 hours' + h * interval '3 hours', 10
      from generate_series(0, ${AVAILABILITY_DAYS - 1}::int) as d, generate_series(0, 4) as h
      returning id)
    insert into order_services (order_id, service_id, position) select id, 123, 0 from added`);
  await db.execute(sql`analyze orders`);
}
