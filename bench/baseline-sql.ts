// The baseline's SQL, written by hand: the same database work the service
// does for each benchmarked operation (one query for an order with its
// services, one for a page, and for a create in one transaction: the slot
// locks sent together with one statement for both checks, then one
// statement for both inserts), with no ORM in between. Two small
// drivers run it: postgres.js (prepared statements, as its tagged templates
// would be) and PGlite, so both databases get a baseline.
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';

export interface Sql {
  query<T>(text: string, params: unknown[]): Promise<T[]>;
  /** Runs `work` in a transaction on one connection. */
  transaction<T>(work: (tx: Pick<Sql, 'query'>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function postgresSql(url: string, poolMax: number): Sql {
  const sql = postgres(url, { max: poolMax, onnotice: () => {} });
  const on = (s: postgres.Sql | postgres.TransactionSql) => ({
    query: <T>(text: string, params: unknown[]) =>
      s.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true }) as unknown as Promise<T[]>,
  });
  return {
    ...on(sql),
    transaction: (work) => sql.begin((tx) => work(on(tx))) as never,
    close: () => sql.end({ timeout: 5 }),
  };
}

export async function pgliteSql(dataDir: string): Promise<Sql> {
  const db = await PGlite.create(dataDir);
  const on = (s: Pick<PGlite, 'query'>) => ({
    query: async <T>(text: string, params: unknown[]) => (await s.query<T>(text, params)).rows,
  });
  return { ...on(db), transaction: (work) => db.transaction((tx) => work(on(tx))), close: () => db.close() };
}

const ORDER_COLUMNS = `o.id::text as id, o.datetime, o.totalfee::text as totalfee, o.created_at, o.updated_at,
  (select coalesce(json_agg(json_build_object('id', s.id::text, 'name', s.name) order by os.position), '[]'::json)
     from order_services os join services s on s.id = os.service_id where os.order_id = o.id) as services`;

export const GET_ORDER = `select ${ORDER_COLUMNS} from orders o where o.id = $1`;
export const FIRST_PAGE = `select ${ORDER_COLUMNS} from orders o order by o.datetime, o.id limit $1`;
export const PAGE_FROM = `select ${ORDER_COLUMNS} from orders o where o.datetime >= $1 order by o.datetime, o.id limit $2`;

export const LOCK_SLOTS = `select pg_advisory_xact_lock(3110001, k) from generate_series($1::int, $2::int) as k`;
/** Known services of $1 (comma-separated ids) and orders less than 3 hours from $2. */
export const CHECKS = `select
  coalesce((select json_agg(json_build_object('id', id::text, 'name', name)) from services
            where id = any(string_to_array($1, ',')::bigint[])), '[]'::json) as found,
  array(select id::text from orders
        where datetime > $2::timestamptz - interval '3 hours' and datetime < $2::timestamptz + interval '3 hours'
        order by datetime) as conflicts`;
export const INSERT_ORDER = `with inserted as (
    insert into orders (datetime, totalfee) values ($1::timestamptz, $2::numeric)
    returning id, datetime, totalfee, created_at, updated_at
  ), linked as (
    insert into order_services (order_id, service_id, position)
    select inserted.id, t.id, t.position - 1
    from inserted, unnest(string_to_array($3, ',')::bigint[]) with ordinality as t(id, position)
  )
  select id::text as id, datetime, totalfee::text as totalfee, created_at, updated_at from inserted`;

/** The outbox row of a create, and its wake-up, as the service writes them (src/events/outbox.ts). */
export const RECORD_EVENT = `with recorded as (
    insert into events (type, order_id, service_id, data) values ('order.created', $1::bigint, null, $2::jsonb)
    returning id
  )
  select pg_notify('order_service_events', '') from recorded`;
