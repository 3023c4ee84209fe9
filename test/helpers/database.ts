// A fresh, migrated database for one test file: in-memory PGlite by default,
// or a new database on the PostgreSQL server that TEST_DATABASE_URL names
// (dropped again at the end), so runs never see each other's rows.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import type { DatabaseConfig } from '../../src/config.js';
import { type DatabaseHandle, openDatabase } from '../../src/db/client.js';

export const serverUrl = process.env.TEST_DATABASE_URL;
export const databaseKind = serverUrl ? 'postgres' : 'pglite';

export interface TestDatabase {
  config: DatabaseConfig;
  /** Removes the database (PostgreSQL) once every handle on it is closed. */
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (!serverUrl) return { config: { kind: 'pglite', dataDir: 'memory://' }, drop: async () => {} };
  const name = `order_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    config: {
      kind: 'postgres',
      url: url.toString(),
      poolMax: 10,
      connectTimeoutSeconds: 5,
      statementTimeoutMs: 10_000,
    },
    async drop() {
      const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

/** Opens a fresh database for the test `t` and cleans it up after it. */
export async function freshDatabase(t: { teardown(fn: () => Promise<void>): void }): Promise<DatabaseHandle> {
  const test = await createTestDatabase();
  const handle = await openDatabase(test.config);
  t.teardown(async () => {
    await handle.close();
    await test.drop();
  });
  return handle;
}
