// Every change to orders, each as the steps it takes in one transaction.
// A step is a function of the transaction; a step that refuses throws, and
// nothing of the write is kept. Every change records its event
// (src/events/outbox.ts) as its last step before the answer.
// A collision with a concurrent writer tries the whole write again
// (src/orders/three-hour-rule.ts says why that gives the right answer).
import type { Database } from '../db/client.js';
import { inTransaction } from '../db/transaction.js';
import { orderEvent, recordEvent } from '../events/outbox.js';
import type { Schemas } from '../http/types.js';
import type { Answer, Claim, IdempotencyStore } from '../idempotency/store.js';
import { lockAndCheck } from './booking.js';
import type { OrderInput, OrderRow } from './repository.js';
import { assertIfMatch, merged, orderCreated } from './representation.js';
import { deleteOrder, insertOrder, lockOrder, updateOrder } from './row-writes.js';
import { COLLISIONS } from './three-hour-rule.js';

const onCollision = { retryOn: COLLISIONS };

export function createOrderWrites(db: Database, idempotency: IdempotencyStore) {
  /** PUT and PATCH: the order, changed to what `change` makes of it; undefined when it does not exist. */
  function changeOrder(id: bigint, ifMatch: string | undefined, change: (current: OrderRow) => OrderInput) {
    return inTransaction(
      db,
      async (tx): Promise<OrderRow | undefined> => {
        const current = await lockOrder(tx, id);
        if (!current) return undefined;
        assertIfMatch(current, ifMatch);
        const input = change(current);
        const booked = await lockAndCheck(tx, input, id);
        const updated = await updateOrder(tx, id, input, booked);
        await recordEvent(tx, orderEvent('order.updated', updated));
        return updated;
      },
      onCollision,
    );
  }

  return {
    /** Creates an order once per claim: a retry with the same Idempotency-Key replays the first answer. */
    create(input: OrderInput, claim?: Claim): Promise<Answer<Schemas['Order']>> {
      return inTransaction(
        db,
        async (tx) => {
          const replay = await idempotency.claim<Schemas['Order']>(tx, claim);
          if (replay) return replay;
          const booked = await lockAndCheck(tx, input);
          const order = await insertOrder(tx, input, booked);
          await recordEvent(tx, orderEvent('order.created', order));
          return idempotency.record(tx, claim, orderCreated(order));
        },
        onCollision,
      );
    },

    /** Replaces the order with `input`, if If-Match allows. */
    replace(id: bigint, input: OrderInput, ifMatch?: string): Promise<OrderRow | undefined> {
      return changeOrder(id, ifMatch, () => input);
    },

    /** Merges `patch` into the order, if If-Match allows. */
    patch(id: bigint, patch: Schemas['OrderPatch'], ifMatch?: string): Promise<OrderRow | undefined> {
      return changeOrder(id, ifMatch, (current) => merged(current, patch));
    },

    /** Deletes the order for good, if If-Match allows; false when it did not exist. */
    delete(id: bigint, ifMatch?: string): Promise<boolean> {
      return inTransaction(db, async (tx) => {
        const current = await lockOrder(tx, id);
        if (!current) return false;
        assertIfMatch(current, ifMatch);
        await deleteOrder(tx, id);
        await recordEvent(tx, orderEvent('order.deleted', current));
        return true;
      });
    },
  };
}

export type OrderWrites = ReturnType<typeof createOrderWrites>;
