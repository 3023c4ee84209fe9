// Every change to the service catalogue, each as the steps it takes in one
// transaction. Something else that must commit with a change (an event row)
// is one more step in each.
import type { Database } from '../db/client.js';
import { inTransaction } from '../db/transaction.js';
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
        return idempotency.record(tx, claim, serviceCreated(service));
      });
    },

    /** Undefined when the service does not exist. */
    rename(id: bigint, name: string): Promise<ServiceRow | undefined> {
      return inTransaction(db, (tx) => renameService(tx, id, name));
    },

    /** False when the service did not exist; ServiceInUseError while an order books it. */
    delete(id: bigint): Promise<boolean> {
      return inTransaction(db, (tx) => deleteService(tx, id));
    },
  };
}

export type ServiceWrites = ReturnType<typeof createServiceWrites>;
