// Opens the database the configuration names, embedded PGlite or PostgreSQL
// through postgres.js, behind one Drizzle type, and brings its schema up to
// date. Everything above this file is unaware of which one it talks to.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import type { DatabaseConfig } from '../config.js';
import * as schema from './schema.js';

type PostgresConfig = Extract<DatabaseConfig, { kind: 'postgres' }>;

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/**
 * The rows of a raw `execute`, whichever driver ran it: postgres.js returns
 * an array of rows, PGlite an object holding them.
 */
export async function rowsOf<Row>(result: Promise<unknown>): Promise<Row[]> {
  const value = (await result) as Row[] | { rows: Row[] };
  return Array.isArray(value) ? value : value.rows;
}

export interface DatabaseHandle {
  db: Database;
  kind: DatabaseConfig['kind'];
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

// Any fixed number shared by all processes of this service: it serialises
// migrations when several replicas start at once against one server.
const MIGRATION_LOCK_KEY = 74_110_301;

export async function openDatabase(config: DatabaseConfig): Promise<DatabaseHandle> {
  return config.kind === 'pglite' ? openPglite(config.dataDir) : openPostgres(config);
}

async function openPglite(dataDir: string): Promise<DatabaseHandle> {
  if (!dataDir.includes('://')) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir);
  const db = drizzlePglite({ client, schema });
  await migratePglite(db, { migrationsFolder });
  return {
    db: db as unknown as Database,
    kind: 'pglite',
    ping: async () => void (await client.query('select 1')),
    close: () => client.close(),
  };
}

async function openPostgres(config: PostgresConfig): Promise<DatabaseHandle> {
  await migrateUnderLock(postgres(config.url, { ...clientOptions(config), max: 1 }));
  return connectPostgres(config);
}

function clientOptions(config: PostgresConfig) {
  return {
    connect_timeout: config.connectTimeoutSeconds,
    onnotice: () => {},
    // postgres.js waits 3^failures / 100 s (up to 20 s) before reconnecting,
    // counting failures across the pool: after a short outage the service
    // stayed down for over 10 s once PostgreSQL was back
    // (test/database-outage.test.ts). Retry at least once a second instead.
    backoff: (failures: number) => Math.min(0.05 * 2 ** failures, 1),
    // A query that runs longer than this is cancelled by the server and
    // answered 503, rather than holding a pooled connection indefinitely.
    connection: { statement_timeout: config.statementTimeoutMs, application_name: 'order-service' },
  };
}

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
function preparingAll(sql: postgres.Sql): postgres.Sql;
function preparingAll(sql: postgres.TransactionSql): postgres.TransactionSql;
function preparingAll(sql: postgres.Sql | postgres.TransactionSql): unknown {
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

/** A pooled PostgreSQL handle, without migrating: the server may not even be up yet. */
export function connectPostgres(config: PostgresConfig): DatabaseHandle {
  const client = postgres(config.url, { ...clientOptions(config), max: config.poolMax, idle_timeout: 60 });
  const db = drizzlePostgres({ client: preparingAll(client), schema });
  return {
    db: db as unknown as Database,
    kind: 'postgres',
    ping: async () => void (await db.execute(sql`select 1`)),
    close: () => client.end({ timeout: 5 }),
  };
}

// Several replicas may start at once: a session-level advisory lock on one
// dedicated connection lets one of them migrate while the others wait.
async function migrateUnderLock(connection: postgres.Sql): Promise<void> {
  try {
    await connection`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    await migratePostgres(drizzlePostgres({ client: connection }), { migrationsFolder });
  } finally {
    await connection.end({ timeout: 5 });
  }
}
