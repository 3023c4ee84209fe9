// The transactional outbox: recordEvent is one step of every write in
// src/orders/writes.ts and src/services/writes.ts, run in the write's own
// transaction, so an event commits exactly when its change does. A write
// that refuses throws before this step or rolls it back; an idempotent
// replay returns before it.
//
// The same statement queues a NOTIFY, which PostgreSQL delivers to every
// listening process only when the transaction commits (src/events/wake.ts).
import { sql } from 'drizzle-orm';
import type { Transaction } from '../db/client.js';
import { events } from '../db/schema.js';
import type { Schemas } from '../http/types.js';
import { etagOf } from '../orders/etag.js';
import type { OrderRow } from '../orders/repository.js';
import { toApiOrder } from '../orders/representation.js';
import type { ServiceRow } from '../services/repository.js';
import { toApiService } from '../services/representation.js';
import type { OrderEventType, ServiceEventType } from './types.js';

/** The channel that wakes the readers of the feed. */
export const EVENTS_CHANNEL = 'order_service_events';

export interface NewEvent {
  type: OrderEventType | ServiceEventType;
  orderId?: bigint;
  serviceId?: bigint;
  data: Schemas['OrderEventData'] | Schemas['ServiceEventData'];
}

/**
 * An order's event: the order as the API shows it (before a delete, as it
 * was), its ETag, and its version (a delete counts one more than the last change).
 */
export function orderEvent(type: OrderEventType, row: OrderRow): NewEvent {
  const object = toApiOrder(row);
  const version = type === 'order.deleted' ? row.version + 1 : row.version;
  return { type, orderId: row.id, data: { object, version, etag: etagOf(object) } };
}

export function serviceEvent(type: ServiceEventType, row: ServiceRow): NewEvent {
  return { type, serviceId: row.id, data: { object: toApiService(row) } };
}

/** Records `event` in the transaction `tx`; one round trip. */
export async function recordEvent(tx: Transaction, event: NewEvent): Promise<void> {
  await tx.execute(sql`with recorded as (
      insert into ${events} (type, order_id, service_id, data)
      values (${event.type}, ${event.orderId?.toString() ?? null}::bigint, ${event.serviceId?.toString() ?? null}::bigint,
        ${JSON.stringify(event.data)}::jsonb)
      returning id
    )
    select pg_notify(${EVENTS_CHANNEL}, '') from recorded`);
}
