// The row writes of orders, each one step of a write in src/orders/writes.ts
// and run in its transaction. The services of an order are always written
// the same way: the statement linkServices makes.
import { eq, type SQL, sql } from 'drizzle-orm';
import { rowsOf, type Transaction } from '../db/client.js';
import { orderServices, orders } from '../db/schema.js';
import type { ServiceRow } from '../services/repository.js';
import { type OrderInput, type OrderRow, orderColumns, withServiceIds } from './repository.js';

/** Inserts the order's services, in the order listed, for the order whose id `orderId` yields. */
function linkServices(orderId: SQL, serviceIds: bigint[]): SQL {
  return sql`insert into ${orderServices} (order_id, service_id, position)
    select ${orderId}, t.id, t.position - 1
    from unnest(string_to_array(${serviceIds.join(',')}, ',')::bigint[]) with ordinality as t(id, position)`;
}

/**
 * Inserts an order and its services in one statement, written by hand:
 * every create takes this path, and Drizzle's insert builders (two
 * statements and row mapping) made creates measurably slower (bench/README.md).
 * The instant comes back as epoch milliseconds, which both drivers return
 * as a plain number.
 */
export async function insertOrder(tx: Transaction, input: OrderInput, booked: ServiceRow[]): Promise<OrderRow> {
  const [inserted] = await rowsOf<{ id: string; created_ms: number }>(
    tx
      .execute(
        sql`with inserted as (
          insert into ${orders} (datetime, totalfee)
          values (${input.datetime.toISOString()}::timestamptz, ${input.totalfee}::numeric)
          returning id, created_at
        ), linked as (${linkServices(sql`(select id from inserted)`, input.serviceIds)})
        select id::text as id, round(extract(epoch from created_at) * 1000)::float8 as created_ms from inserted`,
      )
      .execute(),
  );
  const createdAt = new Date(inserted!.created_ms);
  const { datetime, totalfee } = input;
  return {
    id: BigInt(inserted!.id),
    datetime,
    totalfee,
    createdAt,
    updatedAt: createdAt,
    version: 1,
    services: booked,
  };
}

/** Replaces the order's fields and services with `input`. */
export async function updateOrder(
  tx: Transaction,
  id: bigint,
  input: OrderInput,
  booked: ServiceRow[],
): Promise<OrderRow> {
  const [updated] = await tx
    .update(orders)
    .set({
      datetime: input.datetime,
      totalfee: input.totalfee,
      updatedAt: sql`now()`,
      version: sql`${orders.version} + 1`,
    })
    .where(eq(orders.id, id))
    .returning();
  await tx.delete(orderServices).where(eq(orderServices.orderId, id));
  await tx.execute(linkServices(sql`${id.toString()}::bigint`, input.serviceIds));
  return { ...updated!, services: booked };
}

/** Deletes the order; its services go with it (ON DELETE CASCADE). */
export async function deleteOrder(tx: Transaction, id: bigint): Promise<void> {
  await tx.delete(orders).where(eq(orders.id, id));
}

/**
 * The order, locked against concurrent writers until the transaction ends;
 * undefined when it does not exist. Lock first, then read in a second
 * statement: a statement that waited for the lock sees the new order row
 * but computes its services subquery from the snapshot it started with
 * (READ COMMITTED), which would let a merge patch undo a concurrent change
 * to the services.
 */
export async function lockOrder(tx: Transaction, id: bigint): Promise<OrderRow | undefined> {
  const [locked] = await tx.select({ id: orders.id }).from(orders).where(eq(orders.id, id)).for('update');
  if (!locked) return undefined;
  const [row] = await tx.select(orderColumns).from(orders).where(eq(orders.id, id));
  return withServiceIds(row!);
}
