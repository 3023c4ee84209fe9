// Every operation's handler, keyed by the operationId that the spec names it
// by. The Handlers type makes a missing operation a compile error.
import { withNearestAvailable } from './availability/conflicts.js';
import { createAvailabilityHandlers } from './availability/handlers.js';
import { createAvailabilityQueries } from './availability/queries.js';
import { createContractHandlers, type ServedSpec } from './contract/handlers.js';
import type { DatabaseHandle } from './db/client.js';
import { createProbeHandlers } from './health/probes.js';
import type { Handlers } from './http/types.js';
import type { IdempotencyStore } from './idempotency/store.js';
import { type Metrics, metricsHandler } from './metrics/index.js';
import { createOrderHandlers } from './orders/handlers.js';
import { createOrderRepository } from './orders/repository.js';
import { createOrderWrites } from './orders/writes.js';
import { createServiceHandlers } from './services/handlers.js';
import { createServiceRepository } from './services/repository.js';
import { createServiceWrites } from './services/writes.js';
import { createWebhookHandlers } from './webhooks/handlers.js';
import { DEFAULT_WEBHOOKS, type WebhookSettings } from './webhooks/settings.js';

export function createHandlers(
  database: DatabaseHandle,
  idempotency: IdempotencyStore,
  spec: ServedSpec,
  events: Pick<Handlers, 'listEvents' | 'streamEvents'>,
  docsPath?: string,
  /** What GET /metrics serves; none: a 404 (METRICS off or on a port of its own). */
  metrics?: Metrics,
  /** wake: tells this process's webhook worker that a delivery is due now. */
  webhooks: { settings: WebhookSettings; wake: () => void } = { settings: DEFAULT_WEBHOOKS, wake: () => {} },
): Handlers {
  // `db` is the primary: writes, the 3-hour rule, reads that must see the
  // latest commit. `reads.route(make)` builds reads that may lag and sends
  // them to a replica if there is one (src/db/read-replicas.ts). The event
  // feed reads the primary: its never-skip rule rests on the primary's snapshots.
  const { db, reads } = database;
  const orderReads = { lagging: reads.route(createOrderRepository), current: createOrderRepository(db) };
  const handlers: Handlers = {
    ...createOrderHandlers(orderReads, createOrderWrites(db, idempotency)),
    ...createAvailabilityHandlers(reads.route(createAvailabilityQueries)),
    ...createServiceHandlers(reads.route(createServiceRepository), createServiceWrites(db, idempotency)),
    ...events,
    ...createProbeHandlers(database.ping),
    ...createContractHandlers(spec, docsPath),
    getMetrics: metricsHandler(metrics),
    ...createWebhookHandlers(db, webhooks.settings, webhooks.wake),
  };
  // A 409's nearestAvailable must count the order that has just won the slot: the primary.
  return withNearestAvailable(handlers, createAvailabilityQueries(db));
}
