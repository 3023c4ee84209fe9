// Reading orders: one by id, and pages in (datetime, id) order. The row
// writes are in src/orders/row-writes.ts; the changes they make up, in
// src/orders/writes.ts.
import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { orderServices, orders, services } from '../db/schema.js';
import type { ServiceRow } from '../services/repository.js';

export type OrderRow = typeof orders.$inferSelect & { services: ServiceRow[] };

export interface OrderInput {
  datetime: Date;
  /** Decimal text with two places, e.g. "100.50": numeric never sees a float. */
  totalfee: string;
  /** In the order the client listed them; no repeats. */
  serviceIds: bigint[];
}

export interface ListQuery {
  limit: number;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Keyset position: rows strictly after (datetime, id). */
  after?: { datetime: Date; id: bigint } | undefined;
}

// An order's services in one correlated subquery, so a page of 50 orders is
// one round trip, not 51. Ids travel as text: JSON numbers lose bigint digits.
// Written with aliases because Drizzle leaves column names unqualified in a
// single-table select list, where "id" would bind to the inner table.
const servicesOfOrder = sql<{ id: string; name: string }[]>`(
  select coalesce(json_agg(json_build_object('id', s.id::text, 'name', s.name) order by os.position), '[]'::json)
  from ${orderServices} os join ${services} s on s.id = os.service_id
  where os.order_id = ${orders}.id)`;

/** An order's columns and its services, for a select. */
export const orderColumns = {
  id: orders.id,
  datetime: orders.datetime,
  totalfee: orders.totalfee,
  createdAt: orders.createdAt,
  updatedAt: orders.updatedAt,
  version: orders.version,
  services: servicesOfOrder,
};

export function withServiceIds(
  row: Omit<OrderRow, 'services'> & { services: { id: string; name: string }[] },
): OrderRow {
  return { ...row, services: row.services.map((s) => ({ id: BigInt(s.id), name: s.name })) };
}

// Reads are built once, as prepared statements with placeholders: building
// a Drizzle query costs CPU on every request, on the path every read takes
// (bench/README.md). A page query exists in up to 8 shapes (with or without
// from, to, cursor); each is built on first use.
function preparedReads(db: Database) {
  const byId = db
    .select(orderColumns)
    .from(orders)
    .where(eq(orders.id, sql.placeholder('id')))
    .prepare('order_by_id');
  const pageShape = (from: boolean, to: boolean, after: boolean) =>
    db
      .select(orderColumns)
      .from(orders)
      .where(
        and(
          from ? gte(orders.datetime, sql.placeholder('from')) : undefined,
          to ? lt(orders.datetime, sql.placeholder('to')) : undefined,
          after
            ? sql`(${orders.datetime}, ${orders.id}) > (${sql.placeholder('afterAt')}::timestamptz, ${sql.placeholder('afterId')})`
            : undefined,
        ),
      )
      .orderBy(asc(orders.datetime), asc(orders.id))
      .limit(sql.placeholder('limit'))
      .prepare(`orders_page_${+from}${+to}${+after}`);
  const pages = new Map<string, ReturnType<typeof pageShape>>();
  return {
    byId,
    page({ from, to, after }: ListQuery) {
      const key = `${+!!from}${+!!to}${+!!after}`;
      let page = pages.get(key);
      if (!page) {
        page = pageShape(!!from, !!to, !!after);
        pages.set(key, page);
      }
      return page;
    },
  };
}

export function createOrderRepository(db: Database) {
  const reads = preparedReads(db);
  return {
    async list(query: ListQuery): Promise<OrderRow[]> {
      const { limit, from, to, after } = query;
      const rows = await reads
        .page(query)
        // Placeholders bypass the columns' encoders: instants travel as ISO text.
        .execute({
          limit,
          from: from?.toISOString(),
          to: to?.toISOString(),
          afterAt: after?.datetime.toISOString(),
          afterId: after?.id,
        });
      return rows.map(withServiceIds);
    },

    async get(id: bigint): Promise<OrderRow | undefined> {
      const [row] = await reads.byId.execute({ id });
      return row && withServiceIds(row);
    },
  };
}

export type OrderRepository = ReturnType<typeof createOrderRepository>;
