import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  index,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';

// Ids start at 1000 so that server-assigned ids never collide with the
// sample ids: the services 123, 456 and 789 (a migration) and the sample
// orders 223–225 (src/db/sample-data.ts).
const serverAssignedId = () =>
  bigint('id', { mode: 'bigint' }).primaryKey().generatedByDefaultAsIdentity({ startWith: 1000 });

const instant = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

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
    createdAt: instant('created_at').notNull().defaultNow(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
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
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.caller, t.key] }), index('idempotency_keys_created_at_idx').on(t.createdAt)],
);
