// Every change to the service catalogue, each as the steps it takes in one
// transaction; every change records its event (src/events/outbox.ts).
import type { Database } from '../db/client.js';
import { inTransaction } from '../db/transaction.js';
import { recordEvent, serviceEvent } from '../events/outbox.js';
import type { Schemas } from '../http/types.js';
import type { Answer, Claim, IdempotencyStore } from '../idempotency/store.js';
import { deleteService, insertService, renameService, type ServiceRow } from './repository.js';
import { serviceCreated } from './representation.js';

export function createServiceWrites(db: Database, idempotency: IdempotencyStore) {
  return {
    /** Creates a service once per claim: a retry with the same Idempotency-Key replays the first answer. */
    create(name: string, claim?: Claim): Promise<Answer<Schemas['Service']>> {
      return inTransaction(db, async (tx) => {
        const replay = await idempotency.claim<Schemas['Service']>(tx, claim);
        if (replay) return replay;
        const service = await insertService(tx, name);
        await recordEvent(tx, serviceEvent('service.created', service));
        return idempotency.record(tx, claim, serviceCreated(service));
      });
    },

    /** Undefined when the service does not exist. */
    rename(id: bigint, name: string): Promise<ServiceRow | undefined> {
      return inTransaction(db, async (tx) => {
        const service = await renameService(tx, id, name);
        if (service) await recordEvent(tx, serviceEvent('service.updated', service));
        return service;
      });
    },

    /** False when the service did not exist; ServiceInUseError while an order books it. */
    delete(id: bigint): Promise<boolean> {
      return inTransaction(db, async (tx) => {
        const deleted = await deleteService(tx, id);
        if (deleted) await recordEvent(tx, serviceEvent('service.deleted', deleted));
        return deleted !== undefined;
      });
    },
  };
}

export type ServiceWrites = ReturnType<typeof createServiceWrites>;
