// Reading the event feed: the events after a position, oldest first, for
// GET /events, the stream, and anything else that follows the feed with a
// cursor of its own (a webhook dispatcher, a broker publisher).
//
// Why it never skips. Events are ordered by (tx, id): tx is the writing
// transaction's id (xid8, assigned before its first write, never reused),
// id an identity. Neither is assigned in commit order, so a plain "id > last"
// reader would page past an event whose transaction commits after a later
// one. A read therefore hands out only events with tx < xmin, where xmin =
// pg_snapshot_xmin(pg_current_snapshot()) of the reading statement: every
// transaction with an id below xmin has ended (committed or rolled back) by
// the time that snapshot was taken. So for every position P handed out
// (P.tx < xmin), every event at or before P is final: it either committed
// and is visible to this very snapshot (and was returned, if after the
// cursor and matching the filters), or it never will exist. A transaction
// still running has tx >= xmin, so its events, and any later event, wait
// until it ends; nothing can appear behind a cursor. A long transaction
// delays the feed (of every process); it never reorders it.
//
// One statement reads the feed's start (src/events/retention.ts) and the
// page under one snapshot, so a purge cannot slip between the 410 check and
// the read.
import { type SQL, sql } from 'drizzle-orm';
import { type Database, rowsOf } from '../db/client.js';
import { eventFeedStart, events } from '../db/schema.js';
import { iso } from '../db/sql.js';
import { EventsPurgedError } from '../domain/errors.js';
import { comparePositions, encodePosition, FEED_START, type Position } from './position.js';
import type { Event, EventType } from './types.js';

export interface FeedQuery {
  /** The events strictly after this position; the feed's start when absent. */
  after?: Position | undefined;
  limit: number;
  types?: readonly EventType[] | undefined;
  orderId?: bigint | undefined;
}

export interface FeedPage {
  events: Event[];
  /** The position after the last event returned, or `after` when none were. */
  next: Position;
  /** More events are ready now. */
  hasMore: boolean;
}

interface Row {
  start_tx: string | null;
  start_id: string | null;
  tx: string | null;
  id: string | null;
  type: EventType | null;
  occurred_at: string | null;
  data: Event['data'] | null;
}

function filters({ types, orderId }: FeedQuery): SQL {
  return sql`${types ? sql`and e.type = any(string_to_array(${types.join(',')}, ','))` : sql``}
    ${orderId === undefined ? sql`` : sql`and e.order_id = ${orderId.toString()}::bigint`}`;
}

/** The next page of the feed; EventsPurgedError when `after` lies before the events kept. */
export async function readEvents(db: Database, query: FeedQuery): Promise<FeedPage> {
  // Before the first purge the feed starts at FEED_START; after one, nothing lies before its start.
  const after = query.after ?? FEED_START;
  const rows = await rowsOf<Row>(
    db.execute(sql`select s.tx::text as start_tx, s.id::text as start_id, p.*
      from (select 1) as one
      left join ${eventFeedStart} s on true
      left join lateral (
        select e.tx as sort_tx, e.id as sort_id, e.tx::text as tx, e.id::text as id, e.type,
          ${iso(sql`e.occurred_at`)} as occurred_at, e.data
        from ${events} e
        where (e.tx, e.id) > (${after.tx.toString()}::xid8, ${after.id.toString()}::bigint)
          and e.tx < pg_snapshot_xmin(pg_current_snapshot())
          ${filters(query)}
        order by e.tx, e.id
        limit ${query.limit + 1}
      ) p on true
      order by p.sort_tx, p.sort_id`),
  );
  const start =
    rows[0]?.start_tx == null ? FEED_START : { tx: BigInt(rows[0].start_tx), id: BigInt(rows[0].start_id!) };
  const from = query.after ?? start;
  if (comparePositions(from, start) < 0) throw new EventsPurgedError(encodePosition(start));
  const found = rows.filter((row) => row.id !== null);
  const page = found.slice(0, query.limit);
  const last = page.at(-1);
  return {
    events: page.map(toEvent),
    next: last ? { tx: BigInt(last.tx!), id: BigInt(last.id!) } : from,
    hasMore: found.length > query.limit,
  };
}

function toEvent(row: Row): Event {
  const id = encodePosition({ tx: BigInt(row.tx!), id: BigInt(row.id!) });
  return { id, type: row.type!, occurredAt: row.occurred_at!, data: row.data! } as Event;
}

/** The position after the last event that can be handed out now: where a reader that wants only new events starts. */
export async function feedEnd(db: Database): Promise<Position> {
  const [last] = await rowsOf<{ tx: string; id: string }>(
    db.execute(sql`select tx::text as tx, id::text as id from (
        (select tx, id from ${events} where tx < pg_snapshot_xmin(pg_current_snapshot()) order by tx desc, id desc limit 1)
        union all (select tx, id from ${eventFeedStart})
      ) as ends order by tx desc, id desc limit 1`),
  );
  return last ? { tx: BigInt(last.tx), id: BigInt(last.id) } : FEED_START;
}
