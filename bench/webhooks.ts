// Webhook delivery, measured (PostgreSQL: BENCH_DATABASE_URL, default the
// local server). Three figures, all in this one process:
//  1. deliveries per second to a local receiver answering 200 at once, with
//     1 and 10 endpoints: N orders are created with delivery off, then a
//     service with delivery on drains the queue;
//  2. commit-to-delivery p50 / p99: one create at a time, from its 201 to
//     the receiver's arrival;
//  3. creates per second with 10 endpoints registered (delivering) against
//     none, alternated: delivery happens outside the request.
// `npm run bench:webhooks -- --smoke` runs a few seconds of each.
import http from 'node:http';
import type net from 'node:net';
import autocannon from 'autocannon';
import { buildApp } from '../src/app.js';
import type { DatabaseHandle } from '../src/db/client.js';
import { openDatabase } from '../src/db/client.js';
import { createEndpointStore } from '../src/webhooks/endpoints.js';
import { DEFAULT_WEBHOOKS, type WebhookSettings } from '../src/webhooks/settings.js';
import { postgresBenchDatabase } from './lib/database.js';
import { median } from './lib/measure.js';
import { requestsFor } from './lib/workloads.js';

const smoke = process.argv.includes('--smoke');
const ORDERS = smoke ? 100 : 500;
const LATENCY_SAMPLES = smoke ? 30 : 200;
const CREATE_S = smoke ? 2 : 5;
const ROUNDS = smoke ? 1 : 2;
const settings: WebhookSettings = { ...DEFAULT_WEBHOOKS, allowedHosts: new Set(['127.0.0.1']), pollIntervalMs: 1000 };

/** A receiver answering 200 at once; `arrivals` maps an order id to when its created event arrived. */
async function receiver() {
  const arrivals = new Map<string, number>();
  let count = 0;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      count++;
      const event = JSON.parse(Buffer.concat(chunks).toString());
      if (event.type === 'order.created') arrivals.set(event.data.object.id, performance.now());
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/hooks`;
  return { url, arrivals, count: () => count, close: () => new Promise((r) => server.close(r)) };
}

async function until(condition: () => boolean, timeoutMs = 120_000) {
  for (const deadline = Date.now() + timeoutMs; !condition(); await new Promise((r) => setTimeout(r, 5))) {
    if (Date.now() > deadline) throw new Error('timed out');
  }
}

async function withDatabase<T>(work: (database: DatabaseHandle) => Promise<T>): Promise<T> {
  const bench = await postgresBenchDatabase(
    process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    0,
  );
  const database = await openDatabase({
    kind: 'postgres',
    url: bench.env.DATABASE_URL!,
    poolMax: 10,
    connectTimeoutSeconds: 5,
    statementTimeoutMs: 60_000,
  });
  try {
    return await work(database);
  } finally {
    await database.close();
    await bench.drop();
  }
}

const createBody = (i: number) => ({
  datetime: new Date(Date.UTC(2040, 0, 1) + i * 6 * 3_600_000).toISOString(),
  totalfee: 1,
  services: [{ id: '123' }],
});

async function deliveriesPerSecond(endpoints: number): Promise<number> {
  return withDatabase(async (database) => {
    const sink = await receiver();
    const quiet = await buildApp({ database });
    for (let i = 0; i < endpoints; i++) await createEndpointStore(database.db).create(sink.url, ['order.created'], '');
    for (let i = 0; i < ORDERS; i++) await quiet.inject({ method: 'POST', url: '/orders', payload: createBody(i) });
    await quiet.close();
    const app = await buildApp({ database, webhooks: settings });
    const started = performance.now();
    await app.ready();
    await until(() => sink.count() >= ORDERS * endpoints);
    const seconds = (performance.now() - started) / 1000;
    await app.close();
    await sink.close();
    return (ORDERS * endpoints) / seconds;
  });
}

async function commitToDelivery(): Promise<{ p50: number; p99: number }> {
  return withDatabase(async (database) => {
    const sink = await receiver();
    const app = await buildApp({ database, webhooks: settings });
    await app.ready();
    await app.inject({
      method: 'POST',
      url: '/webhook-endpoints',
      payload: { url: sink.url, eventTypes: ['order.created'] },
    });
    const latencies: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const res = await app.inject({ method: 'POST', url: '/orders', payload: createBody(i) });
      const committed = performance.now();
      const id = res.json().id as string;
      await until(() => sink.arrivals.has(id), 30_000);
      latencies.push(sink.arrivals.get(id)! - committed);
      await new Promise((r) => setTimeout(r, Math.random() * 20)); // not in step with the poll interval
    }
    await app.close();
    await sink.close();
    const sorted = latencies.sort((a, b) => a - b);
    return { p50: median(sorted), p99: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]! };
  });
}

async function createsPerSecond(endpoints: number): Promise<number> {
  return withDatabase(async (database) => {
    const sink = await receiver();
    const app = await buildApp({ database, webhooks: settings });
    for (let i = 0; i < endpoints; i++)
      await app.inject({ method: 'POST', url: '/webhook-endpoints', payload: { url: sink.url } });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const result = await autocannon({
      url,
      connections: 20,
      duration: CREATE_S,
      requests: requestsFor('create', { firstId: 0, lastId: 0 }),
    });
    await app.close();
    await sink.close();
    if (result.non2xx + result.errors) throw new Error(`${result.non2xx + result.errors} failed creates`);
    return result.requests.total / result.duration;
  });
}

const round = (n: number) => Math.round(n).toLocaleString('en');
for (const endpoints of [1, 10]) {
  const rates = [];
  for (let r = 0; r < ROUNDS; r++) rates.push(await deliveriesPerSecond(endpoints));
  console.log(
    `deliveries/s with ${endpoints} endpoint(s), ${ORDERS} events: ${rates.map(round).join(', ')} (median ${round(median(rates))})`,
  );
}
const latency = await commitToDelivery();
console.log(
  `commit to delivery, ${LATENCY_SAMPLES} creates one at a time: p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms`,
);
const ratios = [];
for (let r = 0; r < ROUNDS; r++) {
  const none = await createsPerSecond(0);
  const ten = await createsPerSecond(10);
  ratios.push(ten / none);
  console.log(`creates/s: no endpoints ${round(none)}, 10 endpoints ${round(ten)}, ratio ${(ten / none).toFixed(2)}`);
}
console.log(`creates with 10 endpoints against none: median ratio ${median(ratios).toFixed(2)} (target 0.8)`);
