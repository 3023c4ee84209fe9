// A database of the benchmark's own: a new database on the PostgreSQL server
// (dropped at the end) or a PGlite directory in a temp folder (removed at the
// end), migrated by the service's own code and seeded with `orders` orders.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { type DatabaseHandle, openDatabase } from '../../src/db/client.js';
import { rowsOf, seededRange, seedOrders } from './seed.js';

export interface BenchDatabase {
  kind: 'postgres' | 'pglite';
  /** The environment that points a service process at this database. */
  env: Record<string, string>;
  firstId: number;
  lastId: number;
  /** e.g. "PostgreSQL 15.19 …" */
  version: string;
  drop(): Promise<void>;
}

async function seeded(handle: DatabaseHandle, orders: number) {
  await seedOrders(handle.db, 0, orders);
  const range = await seededRange(handle.db);
  const [row] = await rowsOf<{ v: string }>(handle.db, sql`select version() as v`);
  await handle.close();
  return { ...range, version: row!.v.split(' on ')[0]! };
}

export async function postgresBenchDatabase(serverUrl: string, orders: number): Promise<BenchDatabase> {
  const name = `order_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({
    kind: 'postgres',
    url: url.toString(),
    poolMax: 2,
    connectTimeoutSeconds: 5,
    statementTimeoutMs: 600_000,
  });
  return {
    kind: 'postgres',
    env: { DATABASE_URL: url.toString() },
    ...(await seeded(handle, orders)),
    async drop() {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

export async function pgliteBenchDatabase(orders: number): Promise<BenchDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'order-bench-pglite-'));
  const handle = await openDatabase({ kind: 'pglite', dataDir: dir });
  return {
    kind: 'pglite',
    env: { PGLITE_DIR: dir },
    ...(await seeded(handle, orders)),
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}
