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
  /** wake: tells this process's webhook worker that a delivery is due now. */
  webhooks: { settings: WebhookSettings; wake: () => void } = { settings: DEFAULT_WEBHOOKS, wake: () => {} },
): Handlers {
  const { db } = database;
  const availability = createAvailabilityQueries(db);
  const handlers: Handlers = {
    ...createOrderHandlers(createOrderRepository(db), createOrderWrites(db, idempotency)),
    ...createAvailabilityHandlers(availability),
    ...createServiceHandlers(createServiceRepository(db), createServiceWrites(db, idempotency)),
    ...events,
    ...createProbeHandlers(database.ping),
    ...createContractHandlers(spec, docsPath),
    ...createWebhookHandlers(db, webhooks.settings, webhooks.wake),
  };
  return withNearestAvailable(handlers, availability);
}
