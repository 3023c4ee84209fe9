// npm run bench:scale: does anything slow down as orders pile up? Loads one
// database with 10^3 orders and another with 10^6 (INSERT … SELECT
// generate_series, 3 hours apart), runs the service on each, and times the
// same requests on both, interleaved round by round so that load from
// elsewhere on the machine hits both alike: GET one order, the overlap check
// on create (a 409 next to a seeded order), a create in a free slot, the
// first page and a page deep in the cursor chain, availability over 31 days
// and a 409 with its nearestAvailable (in a block of days seeded alike in
// both databases: 5 orders back to back, then 6 free hours). Each median at 10^6 must
// stay within 1.3× of its median at 10^3. Then EXPLAINs the statements
// behind them at both sizes: index scans only, no sequential scan.
//   npm run bench:scale -- --sizes 1000,1000000 --samples 300 --rounds 3
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Database } from '../src/db/client.js';
import { encodeCursor } from '../src/orders/cursor.js';
import { type BenchDatabase, postgresBenchDatabase } from './lib/database.js';
import { explainOperations, type Plan } from './lib/explain.js';
import { median } from './lib/measure.js';
import { type Running, SERVICE, startServer } from './lib/processes.js';
import { conditions } from './lib/report.js';
import {
  AVAILABILITY_DAYS,
  AVAILABILITY_START,
  CREATES_START,
  DATA_START,
  DAY_MS,
  SLOT_MS,
  seedAvailabilityBlock,
} from './lib/seed.js';

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    sizes: { type: 'string', default: '1000,1000000' },
    samples: { type: 'string', default: '300' },
    rounds: { type: 'string', default: '3' },
    out: { type: 'string', default: 'bench/results' },
    'database-url': {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});
const [small, large] = (args.smoke ? '1000,20000' : args.sizes).split(',').map(Number) as [number, number];
const samples = args.smoke ? 40 : Number(args.samples);
const rounds = args.smoke ? 1 : Number(args.rounds);
const LIMIT = 1.3;

interface Operation {
  name: string;
  expect: number;
  request(db: BenchDatabase, size: number): { method: string; path: string; body?: string };
}

const pick = (from: number, to: number) => from + Math.floor(Math.random() * (to - from));
let nextFreeSlot = 0;
const orderBody = (at: number) =>
  JSON.stringify({ datetime: new Date(at).toISOString(), totalfee: 10, services: [{ id: '123' }] });
const position = (db: BenchDatabase, i: number) => ({
  datetime: new Date(DATA_START + i * SLOT_MS),
  id: BigInt(db.firstId + i),
});

const OPERATIONS: Operation[] = [
  {
    name: 'GET one order',
    expect: 200,
    request: (db, n) => ({ method: 'GET', path: `/orders/${db.firstId + pick(0, n)}` }),
  },
  {
    name: 'overlap check on create (409)',
    expect: 409,
    request: (_db, n) => ({
      method: 'POST',
      path: '/orders',
      body: orderBody(DATA_START + pick(0, n) * SLOT_MS + 3_600_000),
    }),
  },
  {
    name: 'create in a free slot (201)',
    expect: 201,
    request: () => ({ method: 'POST', path: '/orders', body: orderBody(CREATES_START + nextFreeSlot++ * SLOT_MS) }),
  },
  { name: 'first page of 50', expect: 200, request: () => ({ method: 'GET', path: '/orders?limit=50' }) },
  {
    name: 'deep cursor page of 50',
    expect: 200,
    request: (db, n) => ({
      method: 'GET',
      path: `/orders?limit=50&cursor=${encodeCursor({ after: position(db, pick(n / 2, n - 60)) })}`,
    }),
  },
  {
    name: 'availability over 31 days',
    expect: 200,
    request: () => {
      const from = AVAILABILITY_START + pick(0, AVAILABILITY_DAYS - 31) * DAY_MS;
      const range = `from=${new Date(from).toISOString()}&to=${new Date(from + 31 * DAY_MS).toISOString()}`;
      return { method: 'GET', path: `/availability?${range}` };
    },
  },
  {
    name: '409 with nearestAvailable',
    expect: 409,
    request: () => ({
      method: 'POST',
      path: '/orders',
      body: orderBody(AVAILABILITY_START + pick(0, AVAILABILITY_DAYS) * DAY_MS + 7 * 3_600_000),
    }),
  },
];

/** The same block of days in every database, through a connection of its own. */
async function addAvailabilityBlock(url: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await seedAvailabilityBlock(drizzle({ client }) as unknown as Database);
  } finally {
    await client.end();
  }
}

/** Milliseconds per request, one request at a time, over `samples` requests. */
async function time(server: Running, db: BenchDatabase, size: number, operation: Operation): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const { method, path, body } = operation.request(db, size);
    const start = performance.now();
    const response = await fetch(server.url + path, {
      method,
      body,
      headers: body ? { 'content-type': 'application/json' } : {},
    });
    await response.arrayBuffer();
    times.push(performance.now() - start);
    if (response.status !== operation.expect)
      throw new Error(`${operation.name}: ${response.status}, expected ${operation.expect}`);
  }
  return times;
}

const sizes = [small, large];
const databases: BenchDatabase[] = [];
const servers: Running[] = [];
const timings = OPERATIONS.map(() => sizes.map((): number[] => []));
const plans: Plan[][] = [];
try {
  for (const size of sizes) {
    const started = Date.now();
    databases.push(await postgresBenchDatabase(args['database-url'], size));
    await addAvailabilityBlock(databases.at(-1)!.env.DATABASE_URL!);
    console.error(`bench:scale: loaded ${size} orders in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    servers.push(await startServer(SERVICE, databases.at(-1)!.env));
  }
  for (let round = 0; round <= rounds; round++) {
    for (const [o, operation] of OPERATIONS.entries()) {
      for (const s of round % 2 ? [1, 0] : [0, 1]) {
        const times = await time(servers[s]!, databases[s]!, sizes[s]!, operation);
        if (round > 0) timings[o]![s]!.push(...times); // round 0 warms up
      }
    }
  }
  for (const [s, db] of databases.entries()) {
    const n = sizes[s]!;
    plans.push(
      await explainOperations(db.env.DATABASE_URL!, {
        id: BigInt(db.firstId + Math.floor(n / 2)),
        conflicting: new Date(DATA_START + Math.floor(n / 2) * SLOT_MS + 3_600_000),
        deep: position(db, Math.floor(n / 2)),
        availability: {
          from: new Date(AVAILABILITY_START + 15 * DAY_MS),
          to: new Date(AVAILABILITY_START + 46 * DAY_MS),
          taken: new Date(AVAILABILITY_START + 30 * DAY_MS + 7 * 3_600_000),
        },
      }),
    );
  }
} finally {
  await Promise.all(servers.map((s) => s.stop()));
  await Promise.all(databases.map((d) => d.drop()));
}

const rows = OPERATIONS.map((operation, o) => {
  const [atSmall, atLarge] = timings[o]!.map(median) as [number, number];
  return {
    operation: operation.name,
    medianMs: { [small]: atSmall, [large]: atLarge },
    ratio: atLarge / atSmall,
    withinLimit: atLarge / atSmall <= LIMIT,
  };
});
const sqlRows = plans[0]!.map((plan, i) => ({
  operation: plan.operation,
  executionMs: { [small]: plan.executionMs, [large]: plans[1]![i]!.executionMs },
  sequentialScan: plan.sequentialScan || plans[1]![i]!.sequentialScan,
}));

console.log(`HTTP, one request at a time, median of ${samples * rounds} requests each (ms)`);
console.log(
  `operation                        ${String(small).padStart(9)} ${String(large).padStart(9)}   ratio  (limit ${LIMIT})`,
);
for (const r of rows) {
  console.log(
    `${r.operation.padEnd(32)} ${r.medianMs[small]!.toFixed(2).padStart(9)} ${r.medianMs[large]!.toFixed(2).padStart(9)}   ${r.ratio.toFixed(2)}   ${r.withinLimit ? 'ok' : 'OVER'}`,
  );
}
console.log('\nSQL execution time from EXPLAIN ANALYZE (ms), and whether any plan scans a table sequentially');
for (const r of sqlRows) {
  console.log(
    `${r.operation.padEnd(32)} ${r.executionMs[small]!.toFixed(3).padStart(9)} ${r.executionMs[large]!.toFixed(3).padStart(9)}   ${r.sequentialScan ? 'SEQ SCAN' : 'index scans only'}`,
  );
}
const planText = plans[1]!.map((p) => `-- ${p.operation} (${large} orders)\n${p.sql}\n\n${p.plan}\n`).join('\n');
console.log(`\n${planText}`);

mkdirSync(args.out, { recursive: true });
const name = args.smoke ? 'scale-smoke' : 'scale';
writeFileSync(
  join(args.out, `${name}.json`),
  `${JSON.stringify({ conditions: conditions({ sizes, samples, rounds }), http: rows, sql: sqlRows, plans }, null, 2)}\n`,
);
console.log(`wrote ${join(args.out, `${name}.json`)}`);
if (sqlRows.some((r) => r.sequentialScan)) {
  console.error('bench:scale: a plan scans orders sequentially');
  process.exit(1);
}
if (!args.smoke && rows.some((r) => !r.withinLimit)) {
  console.error(`bench:scale: some figures at ${large} orders are over ${LIMIT}× their figure at ${small}`);
  process.exit(1);
}
