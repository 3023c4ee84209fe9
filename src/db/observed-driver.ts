// What the database is doing, counted where every statement of the service
// passes: the driver client that Drizzle is given. Neither postgres.js nor
// PGlite reports how busy it is (postgres.js keeps its pool's queues to
// itself), so the counts are ours: statements sent and not yet answered,
// transactions waiting for their connection, transactions holding one. The
// same place gives each statement a span when a traced request runs it
// (statement-spans.ts).

import type { PGlite, Transaction as PgliteTransaction } from '@electric-sql/pglite';
import { context } from '@opentelemetry/api';
import type postgres from 'postgres';
import { endSpan, statementSpan, transactionSpan } from './statement-spans.js';

export interface DatabaseActivity {
  /** Connections the pool may open (1 for PGlite). */
  readonly connectionsMax: number;
  statementsInFlight: number;
  /** Asked for, waiting for a connection (and its BEGIN). */
  transactionsWaiting: number;
  /** Holding a connection of their own until they commit or roll back. */
  transactionsActive: number;
}

export function createActivity(connectionsMax: number): DatabaseActivity {
  return { connectionsMax, statementsInFlight: 0, transactionsWaiting: 0, transactionsActive: 0 };
}

/** Counts a statement (and traces it) from when it is sent until its answer; returns what ends it. */
function statementStarted(activity: DatabaseActivity, text: string): (error?: unknown) => void {
  activity.statementsInFlight++;
  const traced = statementSpan(text);
  return (error) => {
    activity.statementsInFlight--;
    endSpan(traced?.span, error);
  };
}

/** Runs `work` as a transaction: counted waiting until it holds its connection, then active; traced as a span. */
async function transaction<Tx, T>(
  activity: DatabaseActivity,
  begin: (inside: (tx: Tx) => Promise<T>) => Promise<T>,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  const traced = transactionSpan();
  activity.transactionsWaiting++;
  let entered = false;
  const inside = (tx: Tx) => {
    entered = true;
    activity.transactionsWaiting--;
    activity.transactionsActive++;
    return traced ? context.with(traced.ctx, () => work(tx)) : work(tx);
  };
  try {
    const result = await begin(inside);
    endSpan(traced?.span);
    return result;
  } catch (error) {
    endSpan(traced?.span, error);
    throw error;
  } finally {
    if (entered) activity.transactionsActive--;
    else activity.transactionsWaiting--;
  }
}

type Settle = (value: unknown) => unknown;
/** A postgres.js query: a Promise that runs when first awaited, with methods (`values()`) returning itself. */
type Thenable = { then(this: Thenable, onFulfilled?: Settle, onRejected?: Settle): Promise<unknown> };

/**
 * postgres.js: a query runs when it is first awaited (its `then`), which is
 * where counting starts. Drizzle calls `unsafe()` for every statement and
 * `begin()` / `savepoint()` for transactions, each of which hands out a
 * query function of its own.
 */
export function observingPostgres<S extends postgres.Sql | postgres.TransactionSql>(
  sql: S,
  activity: DatabaseActivity,
): S {
  return new Proxy(sql, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (key === 'unsafe') {
        return (text: string, ...rest: unknown[]) => {
          const query = (value as (...args: unknown[]) => Thenable).call(target, text, ...rest);
          const run = query.then;
          let started = false;
          // biome-ignore lint/suspicious/noThenProperty: postgres.js queries are thenables; awaiting one is what runs it
          query.then = function then(this: Thenable, onFulfilled?: Settle, onRejected?: Settle) {
            if (started) return run.call(this, onFulfilled, onRejected);
            started = true;
            const end = statementStarted(activity, text);
            return run.call(
              this,
              (rows) => {
                end();
                return onFulfilled ? onFulfilled(rows) : rows;
              },
              (error) => {
                end(error);
                if (onRejected) return onRejected(error);
                throw error;
              },
            );
          };
          return query;
        };
      }
      if (key === 'begin' || key === 'savepoint') {
        return (...args: unknown[]) => {
          const work = args.pop() as (tx: postgres.TransactionSql) => Promise<unknown>;
          const begin = (inside: (tx: postgres.TransactionSql) => Promise<unknown>) =>
            (value as (...a: unknown[]) => Promise<unknown>).call(target, ...args, inside);
          return transaction(activity, begin, (tx) => work(observingPostgres(tx, activity)));
        };
      }
      return value;
    },
  });
}

/** PGlite: Drizzle calls `query()` for every statement and `transaction()`, whose `tx` has a `query()` of its own. */
export function observingPglite<C extends PGlite | PgliteTransaction>(client: C, activity: DatabaseActivity): C {
  return new Proxy(client, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      if (key === 'query') {
        return async (text: string, ...rest: unknown[]) => {
          const end = statementStarted(activity, text);
          try {
            const result = await value.call(target, text, ...rest);
            end();
            return result;
          } catch (error) {
            end(error);
            throw error;
          }
        };
      }
      if (key === 'transaction') {
        return (work: (tx: PgliteTransaction) => Promise<unknown>) =>
          transaction<PgliteTransaction, unknown>(
            activity,
            (inside) => value.call(target, inside),
            (tx) => work(observingPglite(tx as PgliteTransaction, activity)),
          );
      }
      return value.bind(target);
    },
  });
}
