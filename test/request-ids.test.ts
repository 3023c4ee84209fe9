// Every response carries a request id (the client's own x-request-id, or a
// fresh UUID), and every log line written while serving a request carries
// the same id, errors included: one id finds everything about a request.
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { type ApiResponse, apiFor } from './helpers/api.js';
import { freshDatabase } from './helpers/database.js';
import { anOrder } from './helpers/fixtures.js';

const lines: Record<string, unknown>[] = [];
const stream = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});
const database = await freshDatabase(t);
const app = await buildApp({ database, logger: { level: 'info', stream } });
t.teardown(() => app.close());
const api = await apiFor(app, database);

t.test('each request has one id, echoed in x-request-id and on each of its log lines', async (t) => {
  const startUp = lines.length;
  const responses: ApiResponse[] = [
    await api.get('/orders/223'),
    await api.get('/orders/999'),
    await api.post('/orders', { totalfee: 'x' }),
    await api.post('/orders', anOrder({ datetime: '2022-11-01T12:00:00Z' })),
    await api.request({ method: 'POST', url: '/orders/223' }),
    await api.get('/no/such/route'),
    await api.request({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'trace-42' } }),
  ];
  t.same(
    responses.map((r) => r.status),
    [200, 404, 400, 409, 405, 404, 200],
  );
  t.equal(responses.at(-1)!.headers['x-request-id'], 'trace-42', "the client's id is echoed");
  const ids = responses.map((r) => String(r.headers['x-request-id']));
  for (const id of ids.slice(0, -1)) t.match(id, /^[0-9a-f-]{36}$/, 'otherwise a fresh UUID');

  const logged = lines.slice(startUp);
  t.same(
    logged.filter((l) => l.reqId === undefined),
    [],
    'no line without a request id',
  );
  t.same([...new Set(logged.map((l) => l.reqId))], ids, 'the ids logged are the ids answered, in order');
  for (const id of ids) {
    const messages = logged.filter((l) => l.reqId === id).map((l) => l.msg);
    t.ok(
      messages.includes('incoming request') && messages.includes('request completed'),
      `request ${id} logged in and out`,
    );
  }
});

t.test('a 500 is logged with its error and the request id the client saw', async (t) => {
  await database.db.execute(sql.raw('alter table "orders" rename to "orders_gone"'));
  t.teardown(() => database.db.execute(sql.raw('alter table "orders_gone" rename to "orders"')));
  const res = await api.get('/orders/223');
  t.equal(res.status, 500);
  const failure = lines.find((l) => l.msg === 'request failed');
  t.equal(failure?.reqId, res.headers['x-request-id']);
  t.match(failure?.err, { type: String, message: /orders/ }, 'the log has what the body hides');
});

t.test("a client's id is used only when it is 1-128 characters of [A-Za-z0-9._:-]; otherwise a new one", async (t) => {
  const plain = ['a', 'trace.42_x:y-Z', 'x'.repeat(128), '0f9c2a1e-4b7d-4e2a-9c3b-5d6e7f8a9b0c'];
  for (const id of plain) {
    const res = await api.request({ method: 'GET', url: '/healthz', headers: { 'x-request-id': id } });
    t.equal(res.headers['x-request-id'], id, `${id.slice(0, 20)} (${id.length}) is echoed`);
  }
  const startUp = lines.length;
  const refused = ['', 'x'.repeat(129), 'y'.repeat(10_000), 'has space', '<script>', 'a/b', 'naïve', 'a\tb'];
  for (const id of refused) {
    const res = await api.request({ method: 'GET', url: '/healthz', headers: { 'x-request-id': id } });
    t.match(
      res.headers['x-request-id'],
      /^[0-9a-f-]{36}$/,
      `${JSON.stringify(id.slice(0, 20))} (${id.length}): a UUID`,
    );
  }
  const logged = lines.slice(startUp);
  const longest = Math.max(...logged.map((l) => JSON.stringify(l).length));
  t.ok(longest < 1000, `no log line holds the 16,300-character id (longest ${longest})`);
  const notes = logged.filter((l) => l.refusedRequestId !== undefined);
  t.equal(notes.length, refused.length, 'each refused id is noted');
  const long = notes.find((l) => l.refusedLength === 10_000);
  t.equal(long?.refusedRequestId, 'y'.repeat(64), 'cut to 64 characters, with its length');
});
