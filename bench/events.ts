// npm run bench:events: the event stream's latency and the feed's deep pages,
// on PostgreSQL (BENCH_DATABASE_URL), in one process with the service.
//   1. From a create's request to its receipt on the stream, with 1, 100 and
//      1,000 subscribers on one process (p50, p99), and the feed reads the
//      hub made per wake-up (one, whatever the subscriber count).
//   2. GET /events: the first page and a page deep in the feed, at 10^3 and
//      10^6 events (median of sequential requests), and the deep page's plan.
//   npm run bench:events -- --creates 30 --subscribers 1,100,1000 --sizes 1000,1000000
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { buildApp } from '../src/app.js';
import { type Database, openDatabase, rowsOf } from '../src/db/client.js';
import { encodePosition } from '../src/events/position.js';
import { openStream } from '../test/helpers/sse.js';

const { values: args } = parseArgs({
  options: {
    creates: { type: 'string', default: '30' },
    subscribers: { type: 'string', default: '1,100,1000' },
    sizes: { type: 'string', default: '1000,1000000' },
    'database-url': {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});

const serverUrl = args['database-url'];
const name = `bench_events_${process.pid}`;
const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database "${name}"`);
const url = new URL(serverUrl);
url.pathname = `/${name}`;
const config = {
  kind: 'postgres' as const,
  url: url.toString(),
  poolMax: 10,
  connectTimeoutSeconds: 5,
  statementTimeoutMs: 60_000,
};
const database = await openDatabase(config, { sampleData: false });

// Counts the feed reads the hub makes (writes run in transactions, not through db.execute).
let reads = 0;
const counted = new Proxy(database.db, {
  get(target, property, receiver) {
    const value = Reflect.get(target, property, receiver);
    if (property !== 'execute') return value;
    return (...rest: unknown[]) => {
      reads++;
      return (value as (...a: unknown[]) => unknown).apply(target, rest);
    };
  },
}) as Database;
const app = await buildApp({
  database: { ...database, db: counted },
  events: { streamsMax: 5000, streamsPerKeyMax: 5000, pollMs: 60_000 },
});
const base = await app.listen({ port: 0, host: '127.0.0.1' });

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
let slot = Date.UTC(2600, 0, 1);
const createOrder = () => {
  slot += 6 * 3_600_000;
  const body = { datetime: new Date(slot).toISOString(), totalfee: 1, services: [{ id: '123' }] };
  return fetch(`${base}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
};

console.log('## Commit to receipt on the stream (one process, PostgreSQL)\n');
console.log('| subscribers | creates | p50 ms | p99 ms | feed reads per create |');
console.log('| ---: | ---: | ---: | ---: | ---: |');
for (const count of args.subscribers.split(',').map(Number)) {
  const streams = [];
  for (let i = 0; i < count; i++) streams.push(await openStream(base, '/events/stream'));
  await Promise.all(streams.map((s) => s.until(() => s.comments.includes('connected'), 'connected', 60_000)));
  // Let the last joins finish inside the hub before counting.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const latencies: number[] = [];
  const creates = Number(args.creates);
  const readsBefore = reads;
  for (let i = 0; i < creates; i++) {
    const sent = performance.now();
    const received = streams.map((s) => {
      const n = s.events.length;
      return s.until(() => s.events.length > n, 'the event', 30_000).then(() => performance.now() - sent);
    });
    const res = await createOrder();
    if (res.status !== 201) throw new Error(`create answered ${res.status}`);
    latencies.push(...(await Promise.all(received)));
  }
  const perCreate = (reads - readsBefore) / creates;
  console.log(
    `| ${count} | ${creates} | ${percentile(latencies, 50).toFixed(1)} | ${percentile(latencies, 99).toFixed(1)} | ${perCreate.toFixed(2)} |`,
  );
  for (const s of streams) s.close();
  await new Promise((resolve) => setTimeout(resolve, 500));
}

console.log('\n## GET /events: first page and a deep page (limit 50, median of 100 sequential requests)\n');
console.log('| events | first page ms | deep page ms | deep / first |');
console.log('| ---: | ---: | ---: | ---: |');
const { db } = database;
const timeGet = async (path: string) => {
  const times: number[] = [];
  for (let i = 0; i < 100; i++) {
    const started = performance.now();
    const res = await fetch(`${base}${path}`);
    await res.text();
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    times.push(performance.now() - started);
  }
  return percentile(times, 50);
};
let plan = '';
for (const size of args.sizes.split(',').map(Number)) {
  const [{ count }] = (await rowsOf<{ count: number }>(db.execute(sql`select count(*)::int as count from events`))) as [
    { count: number },
  ];
  if (size > count) {
    await db.execute(sql`insert into events (type, service_id, data)
      select 'service.created', g, jsonb_build_object('object', jsonb_build_object('id', g::text, 'name', 'Bench service'))
      from generate_series(1, ${size - count}) g`);
    await db.execute(sql`analyze events`);
  }
  const [deep] = await rowsOf<{ tx: string; id: string }>(
    db.execute(
      sql`select tx::text as tx, id::text as id from events order by tx, id offset ${Math.floor(size * 0.9)} limit 1`,
    ),
  );
  const cursor = encodePosition({ tx: BigInt(deep!.tx), id: BigInt(deep!.id) });
  await timeGet('/events?limit=50'); // warm-up of both shapes
  await timeGet(`/events?limit=50&after=${cursor}`);
  const first = await timeGet('/events?limit=50');
  const deepMs = await timeGet(`/events?limit=50&after=${cursor}`);
  console.log(
    `| ${size.toLocaleString('en')} | ${first.toFixed(2)} | ${deepMs.toFixed(2)} | ${(deepMs / first).toFixed(2)} |`,
  );
  const lines = await rowsOf<{ 'QUERY PLAN': string }>(
    db.execute(sql`explain (analyze, costs off, timing off) select e.tx, e.id from events e
      where (e.tx, e.id) > (${deep!.tx}::xid8, ${deep!.id}::bigint) and e.tx < pg_snapshot_xmin(pg_current_snapshot())
      order by e.tx, e.id limit 51`),
  );
  plan = lines.map((l) => l['QUERY PLAN']).join('\n');
}
console.log(`\nThe deep page's plan at the largest size:\n\n\`\`\`\n${plan}\n\`\`\``);

await app.close();
await database.close();
await admin.unsafe(`drop database if exists "${name}" with (force)`);
await admin.end();
