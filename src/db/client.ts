// Opens the database the configuration names, embedded PGlite or PostgreSQL
// through postgres.js, behind one Drizzle type, and brings its schema up to
// date. Everything above this file is unaware of which one it talks to.
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
import { lockDataDir } from './data-dir-lock.js';
import { namingDatabaseUrl } from './database-url.js';
import { createActivity, type DatabaseActivity, observingPglite, observingPostgres } from './observed-driver.js';
import { preparingAll } from './prepared-statements.js';
import { primaryOnly, type ReadRouting, readReplicas } from './read-replicas.js';
import { seedSampleData } from './sample-data.js';
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
  /** The primary: every write, and every read that must see the latest commit. */
  db: Database;
  /** Reads that may lag behind the primary, routed to replicas if DATABASE_READ_URL names any. */
  reads: ReadRouting;
  kind: DatabaseConfig['kind'];
  /** Statements and transactions in progress, counted for the metrics (observed-driver.ts). */
  activity: DatabaseActivity;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /**
   * Calls `onNotify` for every NOTIFY on `channel` (delivered at commit), and
   * `onListening` each time the listening connection is (re)established, when
   * notifications may have been missed. Resolves to a function that stops it.
   */
  listen(channel: string, onNotify: () => void, onListening: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

// Any fixed number shared by all processes of this service: it serialises
// migrations when several replicas start at once against one server.
const MIGRATION_LOCK_KEY = 74_110_301;

export interface OpenOptions {
  /**
   * Seed the sample orders 223-225 (src/db/sample-data.ts) after migrating.
   * The server passes SAMPLE_DATA; tests and benchmarks get them by default.
   */
  sampleData?: boolean;
  /** Told when a read replica failed and its reads go to the primary for a while. */
  onReplicaDown?: (url: string, error: unknown) => void;
}

export async function openDatabase(config: DatabaseConfig, options: OpenOptions = {}): Promise<DatabaseHandle> {
  const sampleData = options.sampleData ?? true;
  return config.kind === 'pglite'
    ? openPglite(config.dataDir, sampleData)
    : openPostgres(config, sampleData, options.onReplicaDown);
}

/** The directory a PGlite dataDir is stored in, if on the filesystem (not memory:// or a browser store). */
function directoryOf(dataDir: string): string | undefined {
  if (dataDir.startsWith('file://')) return dataDir.slice('file://'.length);
  return dataDir.includes('://') ? undefined : dataDir;
}

async function openPglite(dataDir: string, sampleData: boolean): Promise<DatabaseHandle> {
  // Locked before PGlite reads or writes a file of the store (see data-dir-lock.ts).
  const directory = directoryOf(dataDir);
  const lock = directory === undefined ? undefined : lockDataDir(directory);
  try {
    const client = await PGlite.create(dataDir);
    await migratePglite(drizzlePglite({ client, schema }), { migrationsFolder });
    const activity = createActivity(1);
    const db = drizzlePglite({ client: observingPglite(client, activity), schema });
    if (sampleData) await seedSampleData(db as unknown as Database);
    return {
      db: db as unknown as Database,
      reads: primaryOnly(db as unknown as Database),
      kind: 'pglite',
      activity,
      ping: async () => void (await client.query('select 1')),
      // In-process: PGlite delivers the notifications of its one connection to itself.
      listen: async (channel, onNotify, onListening) => {
        const stop = await client.listen(channel, onNotify);
        onListening();
        return stop;
      },
      close: async () => {
        try {
          await client.close();
        } finally {
          lock?.release();
        }
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}

async function openPostgres(
  config: PostgresConfig,
  sampleData: boolean,
  onReplicaDown?: OpenOptions['onReplicaDown'],
): Promise<DatabaseHandle> {
  try {
    await migrateUnderLock(postgres(config.url, { ...clientOptions(config), max: 1 }), sampleData);
  } catch (error) {
    throw namingDatabaseUrl(error, config.url);
  }
  return connectPostgres(config, onReplicaDown);
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

/** A pooled PostgreSQL handle, without migrating: the server may not even be up yet. */
export function connectPostgres(config: PostgresConfig, onReplicaDown?: OpenOptions['onReplicaDown']): DatabaseHandle {
  // Each pool's statements are counted (and traced); the metrics report the primary's.
  const pool = (url: string) => {
    const client = postgres(url, { ...clientOptions(config), max: config.poolMax, idle_timeout: 60 });
    const activity = createActivity(config.poolMax);
    const db = drizzlePostgres({ client: observingPostgres(preparingAll(client), activity), schema });
    return { url, client, activity, db: db as unknown as Database };
  };
  const primary = pool(config.url);
  // Connected lazily, like the primary: a replica down at start costs nothing but a fallback.
  const replicas = (config.readUrls ?? []).map(pool);
  const reads = readReplicas(primary.db, replicas, { retryMs: config.readRetryMs ?? 5000, onDown: onReplicaDown });
  // LISTEN holds a connection of its own, outside the pool (postgres.js opens
  // it from this client's options): named apart in pg_stat_activity.
  const options = clientOptions(config);
  const listener = postgres(config.url, {
    ...options,
    max: 1,
    connection: { ...options.connection, application_name: 'order-service-listen' },
  });
  return {
    db: primary.db,
    reads,
    kind: 'postgres',
    activity: primary.activity,
    ping: async () => void (await primary.db.execute(sql`select 1`)),
    // postgres.js re-listens by itself after a reconnect.
    listen: async (channel, onNotify, onListening) => {
      const { unlisten } = await listener.listen(channel, onNotify, onListening);
      return unlisten;
    },
    close: async () =>
      void (await Promise.all(
        [primary.client, ...replicas.map((r) => r.client), listener].map((c) => c.end({ timeout: 5 })),
      )),
  };
}

// Several replicas may start at once: a session-level advisory lock on one
// dedicated connection lets one of them migrate (and seed) while the others wait.
async function migrateUnderLock(connection: postgres.Sql, sampleData: boolean): Promise<void> {
  try {
    await connection`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    const db = drizzlePostgres({ client: connection, schema });
    await migratePostgres(db, { migrationsFolder });
    if (sampleData) await seedSampleData(db as unknown as Database);
  } finally {
    await connection.end({ timeout: 5 });
  }
}
