// PostgreSQL going away while requests are in flight, and coming back. The
// service reaches PostgreSQL through a TCP proxy this test controls (the
// machine's server is shared and must never be stopped): "cut" is what a
// stopped server looks like to clients (connections reset, new ones
// refused), "blackhole" a network that silently drops everything. Either
// way requests fail fast with a 503 problem, no later than the handler
// deadline, /readyz says 503, and service resumes without a restart.
import t, { type Test } from 'tap';
import { buildApp } from '../src/app.js';
import { connectPostgres, openDatabase } from '../src/db/client.js';
import { type Api, type ApiResponse, apiFor } from './helpers/api.js';
import { createTestDatabase, databaseKind } from './helpers/database.js';
import { anOrder, at, freeSlot, THREE_HOURS } from './helpers/fixtures.js';
import { startTcpProxy } from './helpers/tcp-proxy.js';

const skip = databaseKind === 'postgres' ? false : 'cuts a PostgreSQL connection: set TEST_DATABASE_URL';
const HANDLER_TIMEOUT_MS = 1500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Outcome {
  what: string;
  status: number;
  /** When the request was sent (Date.now()) and how long its answer took. */
  sent: number;
  ms: number;
  id?: string;
}

/** Eight clients reading and creating orders (each in a free slot) until stopped. */
function load(api: Api) {
  const outcomes: Outcome[] = [];
  let running = true;
  const slot = freeSlot();
  let next = 0;
  const timed = async (what: string, request: () => Promise<ApiResponse>) => {
    const sent = Date.now();
    const res = await request();
    const id = res.status === 201 ? res.body.id : undefined;
    outcomes.push({ what, status: res.status, sent, ms: Date.now() - sent, id });
  };
  const client = async () => {
    while (running) {
      await timed('GET', () => api.get('/orders/223'));
      await timed('POST', () => api.post('/orders', anOrder({ datetime: at(slot, next++ * THREE_HOURS) })));
    }
  };
  const clients = Array.from({ length: 8 }, client);
  return {
    /** The outcomes since the last call. */
    take: () => outcomes.splice(0),
    stop: async () => {
      running = false;
      await Promise.all(clients);
    },
  };
}

async function until(what: string, check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(100)) if (await check()) return;
  throw new Error(`not within ${ms} ms: ${what}`);
}

t.test('PostgreSQL going away and coming back', { skip }, async (t) => {
  const test = await createTestDatabase();
  if (test.config.kind !== 'postgres') throw new Error('unreachable');
  await (await openDatabase(test.config)).close(); // migrated, directly
  const target = new URL(test.config.url);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
  const viaProxy = new URL(test.config.url);
  viaProxy.port = String(proxy.port);
  const database = connectPostgres({ ...test.config, url: viaProxy.toString(), poolMax: 4, connectTimeoutSeconds: 1 });
  const app = await buildApp({ database, http: { handlerTimeoutMs: HANDLER_TIMEOUT_MS } });
  const api = await apiFor(app, database);
  t.teardown(async () => {
    await app.close();
    await database.close();
    await proxy.close();
    await test.drop();
  });
  const traffic = load(api);
  const acknowledged: string[] = [];
  const collect = () =>
    traffic.take().map((o) => {
      if (o.id) acknowledged.push(o.id);
      return o;
    });

  await sleep(500);
  const before = collect();
  t.ok(before.length > 0 && before.every((o) => o.status === 200 || o.status === 201), 'all well before the outage');

  t.test('stopped (connections reset, new ones refused): fast 503s, /readyz 503', async (t) => {
    proxy.cut();
    await sleep(1000);
    const during = collect();
    const failed = during.filter((o) => o.status === 503);
    t.ok(failed.length > 0, `requests fail with 503 (${failed.length} of ${during.length})`);
    t.same(
      during.filter((o) => ![200, 201, 503].includes(o.status)),
      [],
      'nothing but successes in flight and 503s',
    );
    t.same(
      failed.filter((o) => o.ms >= 1000),
      [],
      'each 503 within a second: nothing waits for a dead server',
    );
    t.equal((await api.get('/readyz')).status, 503);
  });

  /** PostgreSQL is reachable again: once /readyz says so, every request sent is served. */
  async function recovery(t: Test) {
    proxy.restore();
    await until('/readyz answers 200', async () => (await api.get('/readyz')).status === 200);
    const recoveredAt = Date.now();
    // Judged: the requests sent in the next half second, each given its whole deadline to answer.
    // (Those sent during the outage may still be failing after /readyz said 200.)
    await sleep(500 + HANDLER_TIMEOUT_MS + 500);
    const after = collect().filter((o) => o.sent >= recoveredAt && o.sent < recoveredAt + 500);
    const failures = after.filter((o) => o.status !== 200 && o.status !== 201);
    t.ok(after.length > 0, `requests served since /readyz said 200 (${after.length})`);
    t.same(failures, [], 'all well again');
  }

  t.test('back: service resumes without a restart', recovery);

  t.test('a black hole: every request answered 503 by the deadline, then recovery', async (t) => {
    proxy.blackhole();
    await sleep(HANDLER_TIMEOUT_MS + 1000);
    const started = Date.now();
    const ready = await api.get('/readyz');
    t.equal(ready.status, 503, '/readyz says 503');
    t.ok(Date.now() - started < HANDLER_TIMEOUT_MS + 500, 'no later than the handler deadline');
    const during = collect();
    const failed = during.filter((o) => o.status === 503);
    t.ok(failed.length > 0, `requests fail with 503 (${failed.length} of ${during.length})`);
    t.same(
      during.filter((o) => o.ms >= HANDLER_TIMEOUT_MS + 500),
      [],
      'none waits past the deadline',
    );
    await recovery(t);
  });

  t.test('every order whose 201 a client received is stored', async (t) => {
    await traffic.stop();
    collect();
    t.ok(acknowledged.length > 0);
    for (const id of acknowledged) t.equal((await api.get(`/orders/${id}`)).status, 200, `order ${id}`);
  });
});
