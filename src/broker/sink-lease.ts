// A follower of the event feed that publishes over the network (NATS) must
// not hold a database transaction while it waits for acks: it holds a lease
// on its cursor row instead, so one process at a time publishes, and a dead
// process's lease runs out. The cursor moves only after the acks.
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { rows } from '../db/sql.js';
import { encodePosition, type Position, parsePosition } from '../events/position.js';

const interval = (ms: number) => sql`${`${ms} milliseconds`}::interval`;

/** The sink's position if this process holds (or now takes) its lease; undefined while another does. */
export async function takeLease(db: Database, sink: string, owner: string, leaseMs: number) {
  await db.execute(sql`insert into feed_cursors (sink, position) values (${sink}, '') on conflict do nothing`);
  const [row] = await rows<{ position: string }>(
    db,
    sql`update feed_cursors set lease_owner = ${owner}, lease_until = now() + ${interval(leaseMs)}
        where sink = ${sink} and (lease_owner = ${owner} or lease_until is null or lease_until < now())
        returning position`,
  );
  return row && { position: row.position ? parsePosition(row.position) : undefined };
}

/** Moves the cursor (and renews the lease); false when the lease was lost meanwhile. */
export async function advance(db: Database, sink: string, owner: string, leaseMs: number, position: Position) {
  const moved = await rows(
    db,
    sql`update feed_cursors set position = ${encodePosition(position)}, lease_until = now() + ${interval(leaseMs)}
        where sink = ${sink} and lease_owner = ${owner} returning sink`,
  );
  return moved.length > 0;
}

export function releaseLease(db: Database, sink: string, owner: string) {
  return db.execute(sql`update feed_cursors set lease_owner = null, lease_until = null
                        where sink = ${sink} and lease_owner = ${owner}`);
}
