// Follows the event feed for the webhooks: turns each new event into one
// delivery row per enabled endpoint that wants its type, and moves the
// cursor past it in the same transaction, so an event is queued exactly
// once whatever crashes. The cursor row's lock makes one process at a time
// the dispatcher; the others skip (SKIP LOCKED) and only deliver.
import { sql } from 'drizzle-orm';
import type { Database, Transaction } from '../db/client.js';
import { rows } from '../db/sql.js';
import { inTransaction } from '../db/transaction.js';
import { EventsPurgedError } from '../domain/errors.js';
import { type FeedPage, readEvents } from '../events/feed.js';
import { encodePosition, type Position, parsePosition } from '../events/position.js';

const BATCH = 200;

export interface LockedCursor {
  /** Where the sink is; undefined: at the feed's start. */
  position: Position | undefined;
}

/** Locks the cursor of `sink` (created at the feed's start when new); undefined when another process holds it. */
export async function lockCursor(tx: Transaction, sink: string): Promise<LockedCursor | undefined> {
  await tx.execute(sql`insert into feed_cursors (sink, position) values (${sink}, '') on conflict do nothing`);
  const [row] = await rows<{ position: string }>(
    tx,
    sql`select position from feed_cursors where sink = ${sink} for update skip locked`,
  );
  return row && { position: row.position ? parsePosition(row.position) : undefined };
}

export async function moveCursor(tx: Transaction, sink: string, position: Position): Promise<void> {
  await tx.execute(sql`update feed_cursors set position = ${encodePosition(position)} where sink = ${sink}`);
}

/**
 * The next events after the cursor. A cursor that fell behind the events
 * kept (the service stopped for longer than the retention) moves to where
 * the feed now begins: what was purged cannot be sent any more.
 */
export async function readAfter(tx: Transaction, sink: string, cursor: LockedCursor, limit: number): Promise<FeedPage> {
  try {
    return await readEvents(tx as unknown as Database, { after: cursor.position, limit });
  } catch (error) {
    if (!(error instanceof EventsPurgedError)) throw error;
    const start = parsePosition(error.feedStart)!;
    await moveCursor(tx, sink, start);
    return readEvents(tx as unknown as Database, { after: start, limit });
  }
}

/** Queues the deliveries of the next events; true when more events are ready now. */
export function dispatchOnce(db: Database): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const cursor = await lockCursor(tx, 'webhooks');
    if (!cursor) return false;
    const page = await readAfter(tx, 'webhooks', cursor, BATCH);
    if (page.events.length === 0) return false;
    const positions = page.events.map((event) => parsePosition(event.id)!);
    const list = (values: unknown[]) => `{${values.join(',')}}`;
    await tx.execute(sql`
      insert into webhook_deliveries (endpoint_id, event_tx, event_id)
      select e.id, v.tx::xid8, v.id
      from unnest(${list(positions.map((p) => p.tx))}::text[], ${list(positions.map((p) => p.id))}::bigint[],
                  ${list(page.events.map((event) => event.type))}::text[]) as v(tx, id, type)
      join webhook_endpoints e on e.status = 'enabled' and v.type = any(e.event_types)
      on conflict do nothing`);
    await moveCursor(tx, 'webhooks', page.next);
    return page.hasMore;
  });
}
