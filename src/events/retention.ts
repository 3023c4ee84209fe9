// Retention: events older than EVENT_RETENTION_DAYS are deleted, oldest
// first, and event_feed_start remembers the position of the last one
// deleted, so that a cursor before it is told (410) rather than silently
// skipping what was purged (src/events/feed.ts reads both in one snapshot).
// Only a prefix of the feed is ever deleted: everything before the first
// event that stays, and only events already handed out (tx < xmin), so the
// feed's start only moves forward and never past an event still to come.
import { sql } from 'drizzle-orm';
import { type Database, rowsOf } from '../db/client.js';
import { eventFeedStart, events } from '../db/schema.js';

// Shared by every process of the service: one purge at a time.
const PURGE_LOCK_KEY = 74_110_302;

// Deleted in batches, each its own short transaction: one transaction over
// millions of rows would hold the feed's horizon (its xmin) back, and with
// it every consumer, for as long as it ran.
const BATCH = 10_000;

/** Deletes the expired prefix of the feed; the number of events deleted. */
export async function purgeEvents(db: Database, retentionDays: number, batch = BATCH): Promise<number> {
  let total = 0;
  for (;;) {
    const purged = await purgeBatch(db, retentionDays, batch);
    total += purged;
    if (purged < batch) return total;
  }
}

function purgeBatch(db: Database, retentionDays: number, batch: number): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${PURGE_LOCK_KEY})`);
    const [result] = await rowsOf<{ purged: number }>(
      tx.execute(sql`with first_kept as (
          select tx, id from ${events}
          where not (occurred_at < now() - make_interval(days => ${retentionDays}::int)
            and tx < pg_snapshot_xmin(pg_current_snapshot()))
          order by tx, id limit 1
        ), batch as (
          select tx, id from ${events}
          where not exists (select 1 from first_kept) or (tx, id) < (select tx, id from first_kept)
          order by tx, id limit ${batch}
        ), purged as (
          delete from ${events} e using batch b
          where e.tx = b.tx and e.id = b.id
          returning e.tx, e.id
        ), last_purged as (
          insert into ${eventFeedStart} (singleton, tx, id)
          select true, tx, id from purged order by tx desc, id desc limit 1
          on conflict (singleton) do update set tx = excluded.tx, id = excluded.id
        )
        select count(*)::int as purged from purged`),
    );
    return result?.purged ?? 0;
  });
}
