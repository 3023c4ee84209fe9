// When the database is away or something unexpected breaks, clients get a
// problem+json they can act on (503 with Retry-After, or a 500 that names
// no internals), never a hang or a stack trace.
import { sql } from 'drizzle-orm';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { connectPostgres } from '../src/db/client.js';
import { apiFor, buildTestApi } from './helpers/api.js';
import { anOrder } from './helpers/fixtures.js';
import { freePort } from './helpers/ports.js';

t.test('GET /healthz and /readyz answer 200 when the database is up', async (t) => {
  const api = await buildTestApi(t);
  t.same((await api.get('/healthz')).body, { status: 'ok' });
  t.same((await api.get('/readyz')).body, { status: 'ok' });
});

t.test('with the database unreachable: 503 with Retry-After, and /healthz stays 200', async (t) => {
  const database = connectPostgres({
    kind: 'postgres',
    url: `postgres://postgres@127.0.0.1:${await freePort()}/orders`,
    poolMax: 2,
    connectTimeoutSeconds: 1,
    statementTimeoutMs: 1000,
  });
  const app = await buildApp({ database });
  t.teardown(async () => {
    await app.close();
    await database.close();
  });
  const api = await apiFor(app, database);

  for (const res of [
    await api.get('/readyz'),
    await api.get('/orders'),
    await api.get('/orders/223'),
    await api.post('/orders', anOrder()),
    await api.put('/orders/223', anOrder()),
    await api.delete('/orders/223'),
    await api.get('/services'),
    await api.post('/services', { name: 'x' }),
  ]) {
    t.equal(res.status, 503);
    t.equal(res.body.type, '/problems/unavailable');
    t.equal(res.headers['retry-after'], '5');
  }
  t.equal((await api.get('/healthz')).status, 200, 'liveness does not depend on the database');
  t.equal((await api.post('/orders', { totalfee: 'x' })).status, 400, 'bad input is still told apart');
});

t.test('an unexpected error is a 500 problem that names no internals', async (t) => {
  const api = await buildTestApi(t);
  // Break the schema under the running service: every order query now fails.
  await api.database.db.execute(sql.raw('alter table "orders" rename to "orders_gone"'));
  const res = await api.get('/orders/223');
  t.equal(res.status, 500);
  t.same(Object.keys(res.body).sort(), ['detail', 'instance', 'status', 'title', 'type']);
  t.notMatch(res.text, /orders_gone|relation|select|at .*\.ts/i, 'no SQL, no stack trace');
});
