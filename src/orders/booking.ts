// The step every create and change of an order takes before it writes:
// lock the neighbourhood, then check that the services exist and that no
// order is in the way, all in one round trip.
import { sql } from 'drizzle-orm';
import { rowsOf, type Transaction } from '../db/client.js';
import { services } from '../db/schema.js';
import { OrderConflictError, UnknownServicesError } from '../domain/errors.js';
import type { ServiceRow } from '../services/repository.js';
import type { OrderInput } from './repository.js';
import { lockNeighbourhood, overlapQuery } from './three-hour-rule.js';

/**
 * The services to book, once both checks pass; unknown services are
 * reported first (UnknownServicesError), then the orders in the way
 * (OrderConflictError). `exceptId` is the order being changed, which is
 * never in its own way. The slot locks are held until the transaction
 * ends, so the answer stays true until the write commits.
 */
export async function lockAndCheck(tx: Transaction, input: OrderInput, exceptId?: bigint): Promise<ServiceRow[]> {
  // The lock request and the checks go out together: PostgreSQL runs them
  // in the order sent, each statement with a fresh snapshot (READ
  // COMMITTED), so the checks read once the lock is held. Both checks are
  // one statement: this is the path every create takes.
  const [, [checked]] = await Promise.all([
    lockNeighbourhood(tx, input.datetime),
    rowsOf<{ found: { id: string; name: string }[]; conflicts: string[] }>(
      tx
        .execute(
          sql`select
            coalesce((select json_agg(json_build_object('id', id::text, 'name', name)) from ${services}
                      where id = any(string_to_array(${input.serviceIds.join(',')}, ',')::bigint[])), '[]'::json) as found,
            array(${overlapQuery(input.datetime, exceptId)}) as conflicts`,
        )
        .execute(),
    ),
  ]);
  const names = new Map(checked!.found.map((s) => [s.id, s.name]));
  const missing = input.serviceIds.filter((id) => !names.has(id.toString()));
  if (missing.length > 0) throw new UnknownServicesError(missing.map(String));
  if (checked!.conflicts.length > 0) throw new OrderConflictError(input.datetime, checked!.conflicts);
  return input.serviceIds.map((id) => ({ id, name: names.get(id.toString())! }));
}
