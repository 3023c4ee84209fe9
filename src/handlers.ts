// Every operation's handler, keyed by the operationId that the spec names it
// by. The Handlers type makes a missing operation a compile error.
import { createContractHandlers, type ServedSpec } from './contract/handlers.js';
import type { DatabaseHandle } from './db/client.js';
import { createProbeHandlers } from './health/probes.js';
import type { Handlers } from './http/types.js';
import type { IdempotencyStore } from './idempotency/store.js';
import { createOrderHandlers } from './orders/handlers.js';
import { createOrderRepository } from './orders/repository.js';
import { createServiceHandlers } from './services/handlers.js';
import { createServiceRepository } from './services/repository.js';

export function createHandlers(
  database: DatabaseHandle,
  idempotency: IdempotencyStore,
  spec: ServedSpec,
  docsPath?: string,
): Handlers {
  return {
    ...createOrderHandlers(createOrderRepository(database.db), idempotency),
    ...createServiceHandlers(createServiceRepository(database.db), idempotency),
    ...createProbeHandlers(database.ping),
    ...createContractHandlers(spec, docsPath),
  };
}
