// GET /metrics: a scrape after a known sequence of requests, parsed as the
// Prometheus text format, counts each of them exactly, by route template
// and never by anything a client sends (ids, paths, keys); 503s by cause;
// and METRICS turns it off or moves it to a port of its own.
import { sql } from 'drizzle-orm';
import t from 'tap';
import { type AppOptions, buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { connectPostgres } from '../src/db/client.js';
import { type Api, apiFor } from './helpers/api.js';
import { databaseKind, freshDatabase } from './helpers/database.js';
import { anOrder, at, HOUR } from './helpers/fixtures.js';
import { freePort } from './helpers/ports.js';
import { parsePrometheusText, type Scrape } from './helpers/prometheus.js';
import { operations } from './helpers/spec.js';

const TOKEN = 'metrics-test-write-key-0001';
const auth = { authorization: `Bearer ${TOKEN}` };
const DURATION = 'http_server_request_duration_seconds';

// One database for the file (a PGlite takes seconds to start); each test builds its own app on it.
const database = await freshDatabase(t);
async function apiWith(
  t: { teardown(fn: () => Promise<void>): void },
  options: Omit<AppOptions, 'database'>,
): Promise<Api> {
  const app = await buildApp({ database, ...options });
  t.teardown(() => app.close());
  return apiFor(app, database);
}

async function scrapeOf(api: Api) {
  const res = await api.get('/metrics');
  if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}`);
  return { scrape: parsePrometheusText(res.text), contentType: String(res.headers['content-type']) };
}

/** The request counts of the duration histogram, as "METHOD route status" → count. */
function requestCounts(scrape: Scrape): Record<string, number> {
  return Object.fromEntries(
    scrape
      .all(`${DURATION}_count`)
      .map((s) => [
        `${s.labels.http_request_method} ${s.labels.http_route} ${s.labels.http_response_status_code}`,
        s.value,
      ]),
  );
}

t.test('a scrape after a known sequence counts every request by method, route template and status', async (t) => {
  const api = await apiWith(t, { apiKeys: [{ token: TOKEN, scope: 'write' }] });
  const first = await api.post('/orders', anOrder(), auth);
  const second = await api.post('/orders', anOrder(), auth);
  const conflict = await api.post('/orders', anOrder({ datetime: at(new Date(first.body.datetime), HOUR) }), auth);
  const keyed = anOrder();
  const once = await api.post('/orders', keyed, { ...auth, 'idempotency-key': 'metrics-key-1' });
  const replayed = await api.post('/orders', keyed, { ...auth, 'idempotency-key': 'metrics-key-1' });
  const statuses = [
    first.status,
    second.status,
    conflict.status,
    once.status,
    replayed.status,
    (await api.get(`/orders/${first.body.id}`, auth)).status,
    (await api.get(`/orders/${second.body.id}`, auth)).status,
    (await api.get('/orders/999999999', auth)).status,
    (await api.get('/orders/223')).status,
    (await api.get('/no/such/path/4711', auth)).status,
    (await api.request({ method: 'DELETE', url: '/orders', headers: auth })).status,
  ];
  t.same(statuses, [201, 201, 409, 201, 201, 200, 200, 404, 401, 404, 405], 'the sequence went as planned');
  t.equal(replayed.headers['idempotent-replayed'], 'true');

  const { scrape, contentType } = await scrapeOf(api);
  t.equal(contentType, 'text/plain; version=0.0.4; charset=utf-8', 'the Prometheus text format, without a key');

  t.same(
    requestCounts(scrape),
    {
      'POST /orders 201': 4,
      'POST /orders 409': 1,
      'GET /orders/{orderId} 200': 2,
      'GET /orders/{orderId} 404': 1,
      'GET /orders/{orderId} 401': 1,
      'GET  404': 1,
      'DELETE /orders 405': 1,
    },
    'one series per method, route template and status; a path no route matched has an empty route',
  );
  t.equal(scrape.types.get(DURATION), 'histogram');
  const buckets = scrape.all(`${DURATION}_bucket`).filter((s) => s.labels.http_route === '/orders');
  t.ok(buckets.length > 0 && buckets.every((s) => s.labels.le !== undefined), 'with buckets');
  t.equal(
    scrape.value(`${DURATION}_bucket`, {
      le: '+Inf',
      http_request_method: 'POST',
      http_route: '/orders',
      http_response_status_code: '201',
    }),
    4,
  );

  t.equal(scrape.types.get('http_server_active_requests'), 'gauge');
  t.equal(scrape.value('http_server_active_requests', { http_request_method: 'GET' }), 1, 'the scrape itself');
  t.equal(scrape.value('http_server_active_requests', { http_request_method: 'POST' }), 0);

  t.equal(scrape.value('order_service_orders_created_total'), 3, 'three orders created; the replay created none');
  t.equal(scrape.value('order_service_idempotent_replays_total', { operation: 'createOrder' }), 1);
  t.same(
    scrape.all('order_service_conflicts_total').map((s) => [s.labels, s.value]),
    [[{ operation: 'createOrder', problem_type: 'order-conflict' }, 1]],
  );
  t.same(scrape.all('order_service_unavailable_total'), [], 'no 503 yet');

  t.equal(scrape.value('db_client_connection_max'), databaseKind === 'postgres' ? 10 : 1);
  t.equal(scrape.value('order_service_db_statements_in_flight'), 0);
  t.equal(scrape.value('order_service_db_transactions_active'), 0);
  t.equal(scrape.value('order_service_db_transactions_waiting'), 0);

  t.ok((scrape.value('process_cpu_user_seconds_total') ?? 0) > 0, 'process metrics');
  t.ok((scrape.value('process_resident_memory_bytes') ?? 0) > 0);
  t.equal(scrape.types.get('nodejs_eventloop_lag_seconds'), 'gauge');

  const routes = new Set(['', ...operations.map((op) => op.path)]);
  const ids = [first.body.id, second.body.id, once.body.id, '999999999', '223', '4711'];
  for (const sample of scrape.samples) {
    for (const [label, value] of Object.entries(sample.labels)) {
      const where = `${sample.name}{${label}="${value}"}`;
      if (label === 'http_route' && !routes.has(value)) t.fail(`${where}: not a route template of the spec`);
      if (value.includes(TOKEN)) t.fail(`${where}: holds the API key`);
      if (ids.some((id) => new RegExp(`(^|\\D)${id}(\\D|$)`).test(value))) t.fail(`${where}: holds an id`);
      if (value.includes('/no/such')) t.fail(`${where}: holds a raw path`);
    }
  }
  t.notOk(
    scrape.samples.some((s) => 'http_target' in s.labels || 'url_path' in s.labels),
    'no raw-path label',
  );
});

/** Holds an exclusive lock on the orders table until `release()`: every read of it waits. */
async function lockOrdersTable(): Promise<{ release(): void; done: Promise<unknown> }> {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let locked = () => {};
  const holding = new Promise<void>((resolve) => {
    locked = resolve;
  });
  const done = database.db.transaction(async (tx) => {
    await tx.execute(sql`lock table orders in access exclusive mode`);
    locked();
    await released;
  });
  await holding;
  return { release, done };
}

t.test('503s are counted by cause: the database unreachable, the deadline passed', async (t) => {
  const refused = connectPostgres({
    kind: 'postgres',
    url: `postgres://postgres@127.0.0.1:${await freePort()}/orders`,
    poolMax: 2,
    connectTimeoutSeconds: 1,
    statementTimeoutMs: 1000,
  });
  const down = await buildApp({ database: refused });
  t.teardown(async () => {
    await down.close();
    await refused.close();
  });
  const downApi = await apiFor(down, refused);
  t.same([(await downApi.get('/orders/223')).status, (await downApi.post('/orders', anOrder())).status], [503, 503]);
  const { scrape: downScrape } = await scrapeOf(downApi);
  t.same(
    downScrape.all('order_service_unavailable_total').map((s) => [s.labels, s.value]),
    [[{ cause: 'database' }, 2]],
  );
  const lag = downScrape.value('order_service_event_feed_held_back_seconds');
  t.ok(lag !== undefined && Number.isNaN(lag), 'the scrape still answers; a lag it cannot read is NaN (unknown)');

  // The database answers, but not within the deadline: the orders table is locked.
  const slowApi = await apiWith(t, { http: { handlerTimeoutMs: 300 } });
  const lock = await lockOrdersTable();
  try {
    t.equal((await slowApi.get('/orders/223')).status, 503);
  } finally {
    lock.release();
    await lock.done;
  }
  const { scrape: slowScrape } = await scrapeOf(slowApi);
  t.same(
    slowScrape.all('order_service_unavailable_total').map((s) => [s.labels, s.value]),
    [[{ cause: 'deadline' }, 1]],
  );
  t.same(requestCounts(slowScrape), { 'GET /orders/{orderId} 503': 1 });
});

t.test('METRICS=off: GET /metrics is a 404 problem', async (t) => {
  const api = await apiWith(t, { metrics: { mode: 'off' } });
  const res = await api.get('/metrics');
  t.equal(res.status, 404);
  t.equal(res.body.type, '/problems/not-found');
});

t.test('METRICS=port:N: served on a port of its own, a 404 on the service port, closed with the app', async (t) => {
  const port = await freePort();
  // In-process (the off test holds the service port's 404 to the contract); the port of its own is a real socket.
  const app = await buildApp({ database, metrics: { mode: 'port', port, host: '127.0.0.1' } });
  t.teardown(() => app.close());
  await app.ready();
  t.equal((await app.inject('/healthz')).statusCode, 200);
  t.equal((await app.inject('/metrics')).statusCode, 404, 'not on the service port');

  const own = await fetch(`http://127.0.0.1:${port}/metrics`);
  t.equal(own.status, 200);
  t.equal(own.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  const scrape = parsePrometheusText(await own.text());
  t.same(requestCounts(scrape), { 'GET /healthz 200': 1, 'GET /metrics 404': 1 });
  t.equal((await fetch(`http://127.0.0.1:${port}/orders`)).status, 404, 'nothing else is served there');

  await app.close();
  await t.rejects(fetch(`http://127.0.0.1:${port}/metrics`), 'the port closes with the app');
});

t.test('METRICS is on, off or port:NNNN; anything else stops the service at start', async (t) => {
  t.same(loadConfig({}).metrics, { mode: 'on' });
  t.same(loadConfig({ METRICS: 'off' }).metrics, { mode: 'off' });
  t.same(loadConfig({ METRICS: 'port:9464', HOST: '0.0.0.0' }).metrics, { mode: 'port', port: 9464, host: '0.0.0.0' });
  for (const bad of ['yes', 'port:', 'port:0', 'port:65536', 'port:9464x']) {
    t.throws(() => loadConfig({ METRICS: bad }), { message: /^METRICS must be on, off or port:NNNN/ }, bad);
  }
});
