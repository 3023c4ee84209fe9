// The 3-hour rule: two orders must be at least 3 hours apart (exactly 3
// hours is allowed). It has three layers, each here or named here:
// - the guarantee: an exclusion constraint over [datetime, datetime + 3 h)
//   (drizzle/0001_orders_three_hour_rule.sql, with the same 3 hours);
// - the queue: writers near one instant take advisory locks on their
//   neighbourhood first, so a crowd racing for one slot is served in turn;
// - the answer: the overlap query names the orders in the way (a 409).
// A race that slips past the query meets the constraint (23P01) and, like a
// deadlock or serialization failure, is a collision: the write is tried
// again, where the query sees the winner's order and names it; a collision
// that outlasts the retries is a 503 (src/db/transaction.ts).
import { type SQL, sql } from 'drizzle-orm';
import { type Database, rowsOf, type Transaction } from '../db/client.js';
import { SQLSTATE } from '../db/errors.js';
import { orders } from '../db/schema.js';
import { TRANSIENT } from '../db/transaction.js';

export const THREE_HOURS_MS = 3 * 3_600_000;

/** The 3 hours as a PostgreSQL interval, for queries. */
export const THREE_HOURS = sql.raw(`interval '${THREE_HOURS_MS} milliseconds'`);

/**
 * What concurrent writers of orders can raise against each other, all tried
 * again: an exclusion violation, and a foreign key violation (a service
 * deleted meanwhile; the retry's check names it).
 */
export const COLLISIONS: ReadonlySet<string> = new Set([
  ...TRANSIENT,
  SQLSTATE.exclusionViolation,
  SQLSTATE.foreignKeyViolation,
]);

// Writers near the same instant queue on advisory locks before they look
// for conflicts. Without this, simultaneous inserts into one slot all reach
// the exclusion constraint together, wait on each other's uncommitted rows,
// and PostgreSQL untangles them one deadlock timeout (1 s) at a time. Time
// is cut into 3-hour buckets; two orders that conflict lie in the same or
// adjacent buckets, so each writer locks its bucket and the next one, in
// ascending order (no lock cycles). Far-apart writers never wait.
const SLOT_LOCK_NAMESPACE = 3_110_001;

// Like every statement the writes pipeline, these call the driver before
// they return (explicit `.execute()`, no await first): a caller that starts
// several in a row knows the order in which PostgreSQL runs them.

/** Holds the slot locks around `datetime` until the transaction ends. */
export function lockNeighbourhood(tx: Transaction, datetime: Date): Promise<unknown> {
  const bucket = Math.floor(datetime.getTime() / THREE_HOURS_MS);
  return tx
    .execute(
      sql`select pg_advisory_xact_lock(${SLOT_LOCK_NAMESPACE}, k) from generate_series(${bucket}::int, ${bucket + 1}::int) as k`,
    )
    .execute();
}

/** The overlap query: ids (text) of the orders less than 3 hours from `datetime`, but `exceptId`, earliest first. */
export function overlapQuery(datetime: Date, exceptId?: bigint): SQL {
  const at = sql`${datetime.toISOString()}::timestamptz`;
  const other = exceptId === undefined ? sql`` : sql` and id <> ${exceptId}`;
  return sql`select id::text from ${orders}
    where datetime > ${at} - ${THREE_HOURS} and datetime < ${at} + ${THREE_HOURS}${other} order by datetime`;
}

/** Ids of the orders less than 3 hours from `datetime`, other than `exceptId`, earliest first. */
export async function ordersInTheWay(q: Database | Transaction, datetime: Date, exceptId?: bigint): Promise<string[]> {
  const rows = await rowsOf<{ id: string }>(q.execute(overlapQuery(datetime, exceptId)).execute());
  return rows.map((r) => r.id);
}
