// The delivery queue's SQL: claiming an endpoint (a lease, so one worker
// at a time sends to it, in commit order), its due deliveries, and what an
// attempt's outcome does to the delivery and the endpoint.
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { iso, rows } from '../db/sql.js';
import { inTransaction } from '../db/transaction.js';
import type { Outcome } from './sender.js';

export interface ClaimedEndpoint {
  id: string;
  url: string;
  /** The secrets to sign with: the current one, and the previous one for a day after a rotation. */
  secrets: string[];
}

export interface DueDelivery {
  eventTx: string;
  eventId: string;
  attempts: number;
  /** The event as GET /events shows it; undefined when it was purged. */
  event: { type: string; occurredAt: string; data: unknown } | undefined;
}

const lease = (ms: number) => sql`now() + ${`${ms} milliseconds`}::interval`;

/** Leases up to `limit` enabled endpoints that have deliveries due and no live lease. */
export async function claimEndpoints(db: Database, owner: string, leaseMs: number, limit: number) {
  const claimed = await rows<{ id: string; url: string; secret: string; previous: string | null }>(
    db,
    sql`update webhook_endpoints set lease_owner = ${owner}, lease_until = ${lease(leaseMs)}
        where id in (
          select e.id from webhook_endpoints e
          where e.status = 'enabled' and (e.lease_until is null or e.lease_until < now())
            and exists (select 1 from webhook_deliveries d
                        where d.endpoint_id = e.id and d.state = 'pending' and d.next_attempt_at <= now())
          order by e.id limit ${limit} for update skip locked)
        returning id::text, url, secret,
          case when previous_secret_expires_at > now() then previous_secret end as previous`,
  );
  return claimed.map(
    (row): ClaimedEndpoint => ({
      id: row.id,
      url: row.url,
      secrets: [row.secret, ...(row.previous ? [row.previous] : [])],
    }),
  );
}

export function releaseEndpoint(db: Database, endpointId: string, owner: string) {
  return db.execute(sql`update webhook_endpoints set lease_owner = null, lease_until = null
                        where id = ${endpointId} and lease_owner = ${owner}`);
}

/** The endpoint's due deliveries, in commit order. */
export async function dueDeliveries(db: Database, endpointId: string, limit: number): Promise<DueDelivery[]> {
  const found = await rows<DueDelivery & { type: string | null; occurredAt: string; data: unknown }>(
    db,
    sql`select d.event_tx::text as "eventTx", d.event_id::text as "eventId", d.attempts,
               ev.type, ${iso(sql`ev.occurred_at`)} as "occurredAt", ev.data
        from webhook_deliveries d left join events ev on ev.id = d.event_id
        where d.endpoint_id = ${endpointId} and d.state = 'pending' and d.next_attempt_at <= now()
        order by d.event_tx, d.event_id limit ${limit}`,
  );
  return found.map(({ type, occurredAt, data, ...delivery }) => ({
    ...delivery,
    event: type === null ? undefined : { type, occurredAt, data: typeof data === 'string' ? JSON.parse(data) : data },
  }));
}

export interface Recorded {
  /** False when the lease was lost (it expired and another worker took the endpoint): stop sending. */
  leaseHeld: boolean;
}

/**
 * Records one attempt and what it means: delivered (2xx); the endpoint
 * disabled (410, or the schedule used up without a success since the
 * event was queued); or the next attempt after `retryDelayMs` (jittered).
 */
export function recordAttempt(
  db: Database,
  endpoint: ClaimedEndpoint,
  delivery: DueDelivery,
  outcome: Outcome,
  context: { owner: string; leaseMs: number; schedule: readonly number[]; purged?: boolean },
): Promise<Recorded> {
  const attempts = delivery.attempts + 1;
  const delivered = outcome.error === null;
  const gone = outcome.statusCode === 410;
  const exhausted = !delivered && !gone && !context.purged && attempts > context.schedule.length;
  // Never earlier than the schedule says; up to a quarter later, so retries of many events spread out.
  const final = delivered || gone || exhausted || context.purged;
  const delayMs = final ? null : Math.round(context.schedule[attempts - 1]! * (1 + Math.random() / 4));
  const state = delivered ? 'delivered' : final ? 'failed' : 'pending';
  const next = delayMs === null ? sql`null::timestamptz` : sql`now() + ${`${delayMs} milliseconds`}::interval`;
  return inTransaction(db, async (tx) => {
    // Not worth a WAL flush of its own: if a crash loses this record, the
    // delivery is still pending and is sent again (at least once).
    await tx.execute(sql`set local synchronous_commit = off`);
    await tx.execute(sql`insert into webhook_attempts
        (endpoint_id, event_tx, event_id, attempted_at, status_code, error, duration_ms, next_attempt_at)
        values (${endpoint.id}, ${delivery.eventTx}::xid8, ${delivery.eventId},
                now() - ${`${outcome.durationMs} milliseconds`}::interval,
                ${outcome.statusCode}, ${outcome.error}, ${outcome.durationMs}, ${next})`);
    const updated = await rows(
      tx,
      sql`update webhook_deliveries set state = ${state}, attempts = ${attempts},
            next_attempt_at = coalesce(${next}, next_attempt_at)
          where endpoint_id = ${endpoint.id} and event_id = ${delivery.eventId} and attempts = ${delivery.attempts}
          returning 1`,
    );
    // No row: a redelivery by hand reset this delivery while the attempt was
    // in flight. The reset stands (it is sent again), and the endpoint it re-enabled stays enabled.
    const superseded = updated.length === 0;
    const disable = superseded
      ? sql``
      : gone
        ? sql`status = 'disabled', disabled_reason = 'gone',`
        : exhausted
          ? sql`status = case when last_success_at is null or last_success_at < (select created_at from webhook_deliveries
              where endpoint_id = ${endpoint.id} and event_id = ${delivery.eventId}) then 'disabled' else status end,
              disabled_reason = case when last_success_at is null or last_success_at < (select created_at from webhook_deliveries
              where endpoint_id = ${endpoint.id} and event_id = ${delivery.eventId}) then 'failing' else disabled_reason end,`
          : sql``;
    const success = delivered ? sql`last_success_at = now(),` : sql``;
    const held = await rows(
      tx,
      sql`update webhook_endpoints set ${disable} ${success} lease_until = ${lease(context.leaseMs)}
          where id = ${endpoint.id} and lease_owner = ${context.owner} returning id`,
    );
    return { leaseHeld: held.length > 0 };
  });
}
