// A 409 that says where to go instead: when a create, replace or patch
// meets the 3-hour rule, the conflict gains the nearest instants on either
// side at which this order would have fitted (for a replace or a patch, not
// counting the order itself, as the rule does not). Computed once the write
// has given up and its transaction is over, so it holds no slot lock.
import { formatDateTime } from '../domain/datetime.js';
import { OrderConflictError } from '../domain/errors.js';
import type { Handlers } from '../http/types.js';
import type { AvailabilityQueries } from './queries.js';

const WRITES = ['createOrder', 'replaceOrder', 'updateOrder'] as const;

export function withNearestAvailable(handlers: Handlers, queries: AvailabilityQueries): Handlers {
  const wrapped = { ...handlers };
  for (const name of WRITES) {
    const handler = handlers[name] as (request: unknown, reply: unknown) => Promise<unknown>;
    Object.assign(wrapped, {
      async [name](request: { params?: { orderId?: string } }, reply: unknown) {
        try {
          return await handler(request, reply);
        } catch (error) {
          if (error instanceof OrderConflictError) await addNearest(error, queries, request.params?.orderId);
          throw error;
        }
      },
    });
  }
  return wrapped;
}

async function addNearest(error: OrderConflictError, queries: AvailabilityQueries, orderId?: string): Promise<void> {
  try {
    const nearest = await queries.nearest(error.datetime, orderId === undefined ? undefined : BigInt(orderId));
    error.nearestAvailable = {
      before: nearest.before && formatDateTime(nearest.before),
      after: nearest.after && formatDateTime(nearest.after),
    };
  } catch {
    // The conflict is the answer; a hint the database could not give now is left out, not turned into a 503.
  }
}
