// How far the event feed and those who follow it trail the commits, for the
// metrics (read at each scrape, so each is one indexed statement).
import { sql } from 'drizzle-orm';
import { type Database, rowsOf } from '../db/client.js';
import { FEED_START, parsePosition } from './position.js';

async function seconds(db: Database, query: ReturnType<typeof sql>): Promise<number> {
  const [row] = await rowsOf<{ seconds: string | number | null }>(db.execute(query));
  return Math.max(0, Number(row?.seconds ?? 0));
}

/** Age of the oldest committed event the feed cannot hand out yet (held back behind a running transaction); 0: none. */
export function feedHeldBackSeconds(db: Database): Promise<number> {
  return seconds(
    db,
    sql`select extract(epoch from now() - min(occurred_at)) as seconds
      from events where tx >= pg_snapshot_xmin(pg_current_snapshot())`,
  );
}

/** Age of the oldest event `sink` (a row of feed_cursors: webhooks, nats) has not handed on yet; 0: none. */
export async function followerLagSeconds(db: Database, sink: string): Promise<number> {
  const [cursor] = await rowsOf<{ position: string }>(
    db.execute(sql`select position from feed_cursors where sink = ${sink}`),
  );
  if (!cursor) return 0;
  const after = parsePosition(cursor.position) ?? FEED_START;
  return seconds(
    db,
    sql`select extract(epoch from now() - occurred_at) as seconds from events
      where (tx, id) > (${after.tx.toString()}::xid8, ${after.id.toString()}::bigint)
      order by tx, id limit 1`,
  );
}

/** Age of the oldest event still waiting for delivery to an enabled webhook endpoint; 0: none. */
export function pendingDeliverySeconds(db: Database): Promise<number> {
  return seconds(
    db,
    sql`select extract(epoch from now() - min(e.occurred_at)) as seconds
      from webhook_deliveries d
      join webhook_endpoints w on w.id = d.endpoint_id and w.status = 'enabled'
      join events e on e.id = d.event_id
      where d.state = 'pending'`,
  );
}
