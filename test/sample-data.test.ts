// The sample orders 223-225 are seeded at start when asked (SAMPLE_DATA),
// not by a migration; the services catalogue (123, 789, 456) is reference
// data in every database; a database that got the samples from the old
// migration keeps them. On the database the suite runs on.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import t from 'tap';
import type { DatabaseConfig } from '../src/config.js';
import { type Database, openDatabase, rowsOf } from '../src/db/client.js';
import { seedSampleData } from '../src/db/sample-data.js';
import { createTestDatabase } from './helpers/database.js';

async function sampleRows(db: Database) {
  const orders = await rowsOf<{ id: string }>(
    db.execute(sql`select id::text from orders where id between 223 and 225 order by id`),
  );
  const booked = await rowsOf<{ order_id: string; service_id: string }>(
    db.execute(sql`select order_id::text, service_id::text from order_services where order_id between 223 and 225
      order by order_id`),
  );
  const services = await rowsOf<{ id: string; name: string }>(
    db.execute(sql`select id::text, name from services where id in (123, 456, 789) order by id`),
  );
  return { orders: orders.map((o) => o.id), booked, services };
}

const CATALOGUE = [
  { id: '123', name: 'Inspection' },
  { id: '456', name: 'Analysis' },
  { id: '789', name: 'Testing' },
];

t.test('without sample data a new database has the services catalogue and none of the sample orders', async (t) => {
  const test = await createTestDatabase();
  const database = await openDatabase(test.config, { sampleData: false });
  t.teardown(async () => {
    await database.close();
    await test.drop();
  });
  t.same(await sampleRows(database.db), { orders: [], booked: [], services: CATALOGUE });

  t.test('seeded at every start, the samples are there once, with their services', async (t) => {
    await seedSampleData(database.db);
    await seedSampleData(database.db);
    t.same(await sampleRows(database.db), {
      orders: ['223', '224', '225'],
      booked: [
        { order_id: '223', service_id: '123' },
        { order_id: '224', service_id: '789' },
        { order_id: '225', service_id: '456' },
      ],
      services: CATALOGUE,
    });
  });

  t.test('a sample whose 3-hour slot a real order holds is skipped, without an error', async (t) => {
    await database.db.execute(sql`delete from orders where id between 223 and 225`);
    const real = await rowsOf<{ id: string }>(
      database.db.execute(
        sql`insert into orders (datetime, totalfee) values ('2022-11-01T10:00:00.000Z', 5) returning id::text`,
      ),
    );
    await seedSampleData(database.db);
    t.same((await sampleRows(database.db)).orders, ['224', '225'], '223 would overlap the order at 10:00');
    const kept = await rowsOf(database.db.execute(sql`select id from orders where id = ${real[0]!.id}`));
    t.equal(kept.length, 1, 'the real order stays');
  });
});

// The migration as it was before the sample orders moved out of it.
const OLD_SAMPLE_MIGRATION = `INSERT INTO "services" ("id", "name") VALUES (123, 'Inspection'), (789, 'Testing'), (456, 'Analysis');
--> statement-breakpoint
INSERT INTO "orders" ("id", "datetime", "totalfee", "created_at", "updated_at") VALUES
  (223, '2022-11-01T11:11:11.111Z', 100, '2022-11-01T00:00:00.000Z', '2022-11-01T00:00:00.000Z'),
  (224, '2022-11-01T14:11:11.111Z', 100, '2022-11-01T00:00:00.000Z', '2022-11-01T00:00:00.000Z'),
  (225, '2022-11-01T17:11:11.111Z', 100, '2022-11-01T00:00:00.000Z', '2022-11-01T00:00:00.000Z');
--> statement-breakpoint
INSERT INTO "order_services" ("order_id", "service_id", "position") VALUES (223, 123, 0), (224, 789, 0), (225, 456, 0);`;

/** Brings `config`'s database up to date with the migrations as they were before (samples included). */
async function migrateAsBefore(config: DatabaseConfig, folder: string): Promise<void> {
  if (config.kind === 'postgres') {
    const client = postgres(config.url, { max: 1, onnotice: () => {} });
    await migratePostgres(drizzlePostgres({ client }), { migrationsFolder: folder });
    await client.end();
    return;
  }
  const client = await PGlite.create(config.dataDir);
  await migratePglite(drizzlePglite({ client }), { migrationsFolder: folder });
  await client.close();
}

t.test('a database that got the samples from the old migration keeps them, and migrates on', async (t) => {
  const scratch = mkdtempSync(join(tmpdir(), 'order-service-samples-'));
  t.teardown(() => rmSync(scratch, { recursive: true, force: true }));
  const before = join(scratch, 'drizzle');
  cpSync(fileURLToPath(new URL('../drizzle', import.meta.url)), before, { recursive: true });
  writeFileSync(join(before, '0002_sample_data.sql'), OLD_SAMPLE_MIGRATION);
  const test = await createTestDatabase();
  const config: DatabaseConfig =
    test.config.kind === 'pglite' ? { kind: 'pglite', dataDir: join(scratch, 'store') } : test.config;
  await migrateAsBefore(config, before);

  const database = await openDatabase(config, { sampleData: false });
  t.teardown(async () => {
    await database.close();
    await test.drop();
  });
  t.same((await sampleRows(database.db)).orders, ['223', '224', '225']);
  const applied = await rowsOf(database.db.execute(sql`select 1 from drizzle.__drizzle_migrations`));
  const journal = JSON.parse(readFileSync(join(before, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
  t.equal(applied.length, journal.entries.length, 'each migration ran once');
});
