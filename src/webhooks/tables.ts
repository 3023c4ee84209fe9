// The tables of webhook delivery (and of every sink that follows the event
// feed). drizzle.config.ts reads this file beside src/db/schema.ts; the
// service's queries are hand-written SQL over these names.
import { sql } from 'drizzle-orm';
import { bigint, customType, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

// PostgreSQL xid8 (a transaction id, 64 bits), as decimal text: the first half of an event's feed position.
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });

const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'string' });

export const webhookEndpoints = pgTable('webhook_endpoints', {
  id: bigint('id', { mode: 'bigint' }).primaryKey().generatedByDefaultAsIdentity({ startWith: 1000 }),
  url: text('url').notNull(),
  eventTypes: text('event_types').array().notNull(),
  description: text('description').notNull().default(''),
  /** enabled | disabled */
  status: text('status').notNull().default('enabled'),
  /** gone (answered 410) | failing (failed an event for the whole schedule) */
  disabledReason: text('disabled_reason'),
  secret: text('secret').notNull(),
  previousSecret: text('previous_secret'),
  previousSecretExpiresAt: at('previous_secret_expires_at'),
  createdAt: at('created_at').notNull().default(sql`now()`),
  lastSuccessAt: at('last_success_at'),
  // One worker at a time sends to an endpoint (in commit order): it holds
  // the lease, renewed with every attempt; a killed worker's lease expires.
  leaseOwner: text('lease_owner'),
  leaseUntil: at('lease_until'),
});

// One row per (endpoint, event) to deliver; created by the dispatcher as it
// follows the feed. pending until a 2xx (delivered) or the schedule ends (failed).
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    endpointId: bigint('endpoint_id', { mode: 'bigint' })
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    eventTx: xid8('event_tx').notNull(),
    eventId: bigint('event_id', { mode: 'bigint' }).notNull(),
    state: text('state').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: at('next_attempt_at').notNull().default(sql`now()`),
    createdAt: at('created_at').notNull().default(sql`now()`),
  },
  (t) => [
    primaryKey({ columns: [t.endpointId, t.eventId] }),
    index('webhook_deliveries_due_idx').on(t.endpointId, t.eventTx, t.eventId).where(sql`state = 'pending'`),
    // The purge of finished deliveries (src/webhooks/retention.ts).
    index('webhook_deliveries_finished_idx').on(t.createdAt).where(sql`state <> 'pending'`),
  ],
);

// Every attempt, for GET /webhook-endpoints/{id}/deliveries (newest first).
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    endpointId: bigint('endpoint_id', { mode: 'bigint' })
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    eventTx: xid8('event_tx').notNull(),
    eventId: bigint('event_id', { mode: 'bigint' }).notNull(),
    attemptedAt: at('attempted_at').notNull(),
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
    nextAttemptAt: at('next_attempt_at'),
  },
  (t) => [
    index('webhook_attempts_endpoint_idx').on(t.endpointId, t.id),
    index('webhook_attempts_attempted_at_idx').on(t.attemptedAt),
  ],
);

// Where each follower of the event feed is (webhooks, nats): the position
// after the last event it handed on. One process at a time follows: the
// webhook dispatcher by the row's lock, the NATS publisher by a lease.
export const feedCursors = pgTable('feed_cursors', {
  sink: text('sink').primaryKey(),
  position: text('position').notNull(),
  leaseOwner: text('lease_owner'),
  leaseUntil: at('lease_until'),
});
