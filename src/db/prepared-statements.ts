// Every query prepared on PostgreSQL: why, below. Used by connectPostgres
// (client.ts) for the pooled connections.
import type postgres from 'postgres';

/**
 * Drizzle hands every query to postgres.js's `unsafe()` with `prepare: false`
 * (unless it was built with `.prepare(name)`). postgres.js sends such a query
 * with parameters in two round trips (Parse/Describe, wait for the parameter
 * types, then Bind/Execute) and PostgreSQL plans it afresh each time.
 * Preparing every query makes it one round trip after its first use on a
 * connection, which the reads need to keep up with hand-written SQL
 * (bench/README.md). Drizzle's statements are few and fixed (values are
 * always parameters), so the per-connection statement cache stays small.
 * Transactions and savepoints hand out their own query functions, so they
 * are wrapped too.
 */
export function preparingAll(sql: postgres.Sql): postgres.Sql;
export function preparingAll(sql: postgres.TransactionSql): postgres.TransactionSql;
export function preparingAll(sql: postgres.Sql | postgres.TransactionSql): unknown {
  const withPreparedCallback =
    (original: (...args: unknown[]) => unknown) =>
    (...args: unknown[]) => {
      const work = args.pop() as (tx: postgres.TransactionSql) => unknown;
      return original(...args, (tx: postgres.TransactionSql) => work(preparingAll(tx)));
    };
  return new Proxy(sql, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (key === 'unsafe') {
        return (query: string, params?: unknown[], options?: object) =>
          target.unsafe(query, params as never, { ...options, prepare: true });
      }
      if (key === 'begin' || key === 'savepoint') return withPreparedCallback(value.bind(target));
      return value;
    },
  });
}
