import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  unique,
} from 'drizzle-orm/pg-core';

// Ids start at 1000 so that server-assigned ids never collide with the
// sample ids: the services 123, 456 and 789 (a migration) and the sample
// orders 223–225 (src/db/sample-data.ts).
const serverAssignedId = () =>
  bigint('id', { mode: 'bigint' }).primaryKey().generatedByDefaultAsIdentity({ startWith: 1000 });

// timestamptz(3) as a Date. Drizzle's own timestamp column reads the text
// PostgreSQL sends ("0001-01-01 00:00:00+00") with new Date(), which takes
// such a non-ISO year below 50 for 20xx and below 100 for 19xx: an order at
// 0049-05-01 read back as 2049-05-01. Read as ISO 8601, the year is literal.
const instant = customType<{ data: Date; driverData: string | Date }>({
  dataType: () => 'timestamp (3) with time zone',
  toDriver: (value) => value.toISOString(),
  fromDriver: (value) => (value instanceof Date ? value : new Date(isoFromPostgres(value))),
});

/** "2022-11-01 11:11:11.111+00" (or +05:30) as ISO 8601: "2022-11-01T11:11:11.111+00:00". */
export function isoFromPostgres(text: string): string {
  return text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
}

export const services = pgTable(
  'services',
  {
    id: serverAssignedId(),
    name: text('name').notNull(),
  },
  (t) => [check('services_name_length', sql`char_length(${t.name}) between 1 and 100`)],
);

// The 3-hour rule is enforced by an exclusion constraint added in a custom
// migration (drizzle/0001_orders_three_hour_rule.sql): drizzle-kit cannot
// express EXCLUDE.
export const orders = pgTable(
  'orders',
  {
    id: serverAssignedId(),
    datetime: instant('datetime').notNull(),
    totalfee: numeric('totalfee', { precision: 12, scale: 2 }).notNull(),
    createdAt: instant('created_at').notNull().default(sql`now()`),
    updatedAt: instant('updated_at').notNull().default(sql`now()`),
    // One more with every change: what consumers of the event feed order an order's events by.
    version: integer('version').notNull().default(1),
  },
  (t) => [
    // Keyset pagination walks (datetime, id); the overlap check reads datetime.
    index('orders_datetime_id_idx').on(t.datetime, t.id),
    check('orders_totalfee_range', sql`${t.totalfee} between 0 and 1000000000`),
  ],
);

export const orderServices = pgTable(
  'order_services',
  {
    orderId: bigint('order_id', { mode: 'bigint' })
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    // RESTRICT: a service that an order books cannot be deleted.
    serviceId: bigint('service_id', { mode: 'bigint' })
      .notNull()
      .references(() => services.id, { onDelete: 'restrict' }),
    // The order in which the client listed the services, kept for responses.
    position: smallint('position').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orderId, t.position] }),
    unique('order_services_order_service_key').on(t.orderId, t.serviceId),
    index('order_services_service_id_idx').on(t.serviceId),
  ],
);

// What a create with an Idempotency-Key answered, so that a retry with the
// same key gets the same answer instead of a second order. Written in the
// same transaction as the order or service it created; expires after 24 h.
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    caller: text('caller').notNull(),
    key: text('key').notNull(),
    /** sha256 of the method, route and canonical JSON body. */
    fingerprint: text('fingerprint').notNull(),
    status: smallint('status').notNull(),
    location: text('location').notNull(),
    etag: text('etag'),
    body: jsonb('body').notNull(),
    createdAt: instant('created_at').notNull().default(sql`now()`),
  },
  (t) => [primaryKey({ columns: [t.caller, t.key] }), index('idempotency_keys_created_at_idx').on(t.createdAt)],
);

// A transaction id (PostgreSQL xid8, 64 bits, never wraps), as decimal text.
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });

// The transactional outbox: one row per change, written in the change's own
// transaction (src/events/outbox.ts). The feed walks (tx, id) and hands out
// only rows whose transaction is older than every running one
// (src/events/feed.ts says why that never skips).
export const events = pgTable(
  'events',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    tx: xid8('tx').notNull().default(sql`pg_current_xact_id()`),
    type: text('type').notNull(),
    occurredAt: instant('occurred_at').notNull().default(sql`now()`),
    orderId: bigint('order_id', { mode: 'bigint' }),
    serviceId: bigint('service_id', { mode: 'bigint' }),
    /** The event's `data` as the API shows it. */
    data: jsonb('data').notNull(),
  },
  (t) => [index('events_tx_id_idx').on(t.tx, t.id), index('events_order_id_tx_id_idx').on(t.orderId, t.tx, t.id)],
);

// Where the feed begins once old events are purged: the position of the
// last purged event (one row, or none before the first purge). A cursor
// before it is answered 410.
export const eventFeedStart = pgTable('event_feed_start', {
  singleton: boolean('singleton').primaryKey().default(true),
  tx: xid8('tx').notNull(),
  id: bigint('id', { mode: 'bigint' }).notNull(),
});
