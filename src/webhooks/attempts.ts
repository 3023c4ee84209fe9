// What the API shows of deliveries: the attempts to one endpoint, newest
// first; and a redelivery asked for by hand.
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { iso, rows } from '../db/sql.js';
import { inTransaction } from '../db/transaction.js';
import { encodePosition, type Position } from '../events/position.js';
import type { Schemas } from '../http/types.js';

type Attempt = Schemas['WebhookAttempt'];

/** At most `limit` attempts older than the attempt `before`, newest first, with their ids (for the cursor). */
export async function listAttempts(db: Database, endpointId: bigint, limit: number, before?: bigint) {
  const found = await rows<Omit<Attempt, 'eventId'> & { id: string; tx: string; eventRowId: string }>(
    db,
    sql`select id::text, event_tx::text as tx, event_id::text as "eventRowId", ${iso(sql`attempted_at`)} as "attemptedAt",
               status_code as "statusCode", error, duration_ms as "durationMs", ${iso(sql`next_attempt_at`)} as "nextAttemptAt"
        from webhook_attempts
        where endpoint_id = ${endpointId} ${before === undefined ? sql`` : sql`and id < ${before}`}
        order by webhook_attempts.id desc limit ${limit}`,
  );
  return found.map(({ id, tx, eventRowId, ...attempt }) => ({
    id,
    attempt: { eventId: encodePosition({ tx: BigInt(tx), id: BigInt(eventRowId) }), ...attempt } satisfies Attempt,
  }));
}

export type Redelivery = 'no-endpoint' | 'no-event' | Schemas['WebhookRedelivery'];

/** Makes the event due now at the endpoint (enabling it again), with a fresh schedule. */
export function redeliver(db: Database, endpointId: bigint, event: Position, eventId: string): Promise<Redelivery> {
  return inTransaction(db, async (tx) => {
    // The event is looked up first: a refusal changes nothing.
    const known = await rows(tx, sql`select 1 from events where id = ${event.id} and tx = ${String(event.tx)}::xid8`);
    if (known.length === 0) return 'no-event';
    const enabled = await rows(
      tx,
      sql`update webhook_endpoints set status = 'enabled', disabled_reason = null where id = ${endpointId} returning id`,
    );
    if (enabled.length === 0) return 'no-endpoint';
    const [due] = await rows<{ at: string }>(
      tx,
      sql`insert into webhook_deliveries (endpoint_id, event_tx, event_id)
          values (${endpointId}, ${String(event.tx)}::xid8, ${event.id})
          on conflict (endpoint_id, event_id)
            do update set state = 'pending', attempts = 0, next_attempt_at = now(), created_at = now()
          returning ${iso(sql`next_attempt_at`)} as at`,
    );
    return { eventId, nextAttemptAt: due!.at };
  });
}
