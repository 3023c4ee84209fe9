// The limits a service owes its neighbours, checked on a listening server:
// clients too slow to send a request are cut off, over-long headers are
// refused, idle keep-alive connections are closed after the configured time
// (72 s by default, above a load balancer's 60 s), every request is answered
// by the handler deadline even when the database is stuck, and the pool
// never opens more connections than configured.

import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import postgres from 'postgres';
import t from 'tap';
import { buildApp } from '../src/app.js';
import type { Config } from '../src/config.js';
import { type DatabaseHandle, openDatabase } from '../src/db/client.js';
import { assertIsProblem, assertMatchesContract } from './helpers/contract.js';
import { createTestDatabase, databaseKind, freshDatabase } from './helpers/database.js';
import { anOrder, freeSlot } from './helpers/fixtures.js';
import { rawConnection } from './helpers/raw-http.js';
import { type Sent, sendChecked } from './helpers/socket.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const LIMITS = { requestTimeoutMs: 500, keepAliveTimeoutMs: 1000, handlerTimeoutMs: 500 };

async function listening(
  t: { teardown(fn: () => unknown): void },
  database: DatabaseHandle,
  http: Partial<Config['http']> = LIMITS,
): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildApp({ database, http });
  t.teardown(() => app.close());
  return { app, url: await app.listen({ port: 0, host: '127.0.0.1' }) };
}

/** Holds an exclusive lock on orders for `ms`: every order query waits behind it. */
function lockOrders(database: DatabaseHandle, ms: number): Promise<void> {
  return database.db.transaction(async (tx) => {
    await tx.execute(sql`lock table orders in access exclusive mode`);
    await sleep(ms);
  });
}

const database = await freshDatabase(t);

t.test('a client that sends its headers too slowly gets a 408 problem and is disconnected', async (t) => {
  const { url } = await listening(t, database);
  const slow = await rawConnection(url);
  slow.write('GET /orders/223 HTTP/1.1\r\nHost: test\r\n');
  const res = await slow.response();
  t.equal(res.status, 408);
  assertIsProblem({ method: 'GET', url: '/orders/223', ...res });
  t.ok(res.closedAfterMs < LIMITS.requestTimeoutMs + 1500, `closed after ${res.closedAfterMs} ms`);
});

t.test('a client that sends its body too slowly gets a 408 problem and is disconnected', async (t) => {
  const { url } = await listening(t, database);
  const slow = await rawConnection(url);
  slow.write(
    'POST /orders HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"date',
  );
  const res = await slow.response();
  t.equal(res.status, 408);
  // The body's deadline is met inside the operation: a declared 408 of createOrder.
  assertMatchesContract({ method: 'POST', url: '/orders', ...res });
  t.ok(res.closedAfterMs < LIMITS.requestTimeoutMs + 1500, `closed after ${res.closedAfterMs} ms`);
});

t.test('headers over 16 KiB get a 431 problem; the service keeps serving', async (t) => {
  const { url } = await listening(t, database);
  const client = await rawConnection(url);
  client.write(`GET /orders/223 HTTP/1.1\r\nHost: test\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`);
  const res = await client.response();
  t.equal(res.status, 431);
  assertIsProblem({ method: 'GET', url: '/orders/223', ...res });
  t.equal((await sendChecked(url, { path: '/orders/223' })).status, 200);
});

t.test(
  'keep-alive: 72 s by default, above a load balancer idle timeout of 60 s; idle connections closed after it',
  async (t) => {
    const defaults = await listening(t, database, {});
    t.equal((await sendChecked(defaults.url, { path: '/healthz' })).headers['keep-alive'], 'timeout=72');
    const { url } = await listening(t, database);
    const client = await rawConnection(url);
    client.write('GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n');
    const res = await client.response();
    t.equal(res.status, 200);
    t.ok(
      res.closedAfterMs >= LIMITS.keepAliveTimeoutMs && res.closedAfterMs < LIMITS.keepAliveTimeoutMs + 1500,
      `idle connection closed after ${res.closedAfterMs} ms`,
    );
  },
);

// Over a real socket: requests with a body are where the deadline once
// silently lapsed (Fastify's handlerTimeout ends when Node has read the body),
// which app.inject does not show.
const stuckRequests: { name: string; request: Sent }[] = [
  { name: 'GET', request: { path: '/orders/223' } },
  { name: 'POST', request: { method: 'POST', path: '/orders', body: anOrder({ datetime: freeSlot().toISOString() }) } },
  {
    name: 'PUT',
    request: { method: 'PUT', path: '/orders/224', body: anOrder({ datetime: '2022-11-01T14:11:11.111Z' }) },
  },
  {
    name: 'PATCH',
    request: {
      method: 'PATCH',
      path: '/orders/225',
      body: { totalfee: 100 },
      headers: { 'content-type': 'application/merge-patch+json' },
    },
  },
];
for (const { name, request } of stuckRequests) {
  t.test(`a ${name} stuck behind the database is answered 503 by the handler deadline`, async (t) => {
    const { url } = await listening(t, database);
    const lock = lockOrders(database, 1500);
    await sleep(100);
    const started = Date.now();
    const res = await sendChecked(url, request);
    const took = Date.now() - started;
    t.equal(res.status, 503);
    t.equal(res.headers['retry-after'], '5');
    t.ok(took >= LIMITS.handlerTimeoutMs && took < LIMITS.handlerTimeoutMs + 400, `answered after ${took} ms`);
    await lock;
    t.equal((await sendChecked(url, { path: '/orders/223' })).status, 200, 'served again once the database is');
  });
}

const poolSkip = databaseKind === 'postgres' ? false : 'PGlite has one connection: set TEST_DATABASE_URL';
t.test('the pool never holds more connections than DB_POOL_MAX', { skip: poolSkip }, async (t) => {
  const test = await createTestDatabase();
  if (test.config.kind !== 'postgres') throw new Error('unreachable');
  const pooled = await openDatabase({ ...test.config, poolMax: 3 });
  const admin = postgres(test.config.url, { max: 1, onnotice: () => {} });
  t.teardown(async () => {
    await pooled.close();
    await admin.end();
    await test.drop();
  });
  const { url } = await listening(t, pooled, { ...LIMITS, handlerTimeoutMs: 5000 });
  // 30 requests queue behind a lock held on a connection of the test's own.
  const held = admin.begin(async (tx) => {
    await tx`lock table orders in access exclusive mode`;
    await sleep(1000);
    const [row] = await tx`select count(*)::int as n from pg_stat_activity
      where datname = current_database() and application_name = 'order-service'`;
    return row!.n as number;
  });
  const requests = Array.from({ length: 30 }, () => sendChecked(url, { path: '/orders/223' }));
  t.equal(await held, 3, 'three connections in use, not thirty');
  t.same([...new Set((await Promise.all(requests)).map((r) => r.status))], [200]);
});
