// API keys: with keys configured, every /orders, /availability, /services, /events and /webhook-endpoints operation
// needs one (401 without, 403 for a read key on a write); the probes, the
// spec and the docs stay open; tokens never reach the logs.
import { Writable } from 'node:stream';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { apiFor, buildTestApi } from './helpers/api.js';
import { spec } from './helpers/contract.js';
import { freshDatabase } from './helpers/database.js';
import { anOrder } from './helpers/fixtures.js';

const writeToken = 'write-token-0123456789abcdef';
const readToken = 'read-token-0123456789abcdef';
const api = await buildTestApi(t, {
  apiKeys: [
    { token: writeToken, scope: 'write' },
    { token: readToken, scope: 'read' },
  ],
});
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
// The first webhook endpoint (id 1000), for the operations on one.
await api.post('/webhook-endpoints', { url: 'https://receiver.example.com/hooks' }, bearer(writeToken));

// Every operation of the spec, with a URL and body that would succeed.
const operations = Object.entries(spec.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => method !== 'parameters')
    .map(([method, operation]) => ({
      method: method.toUpperCase() as 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
      url: path
        .replace('{orderId}', '223')
        .replace('{serviceId}', '123')
        .replace('{problemType}', 'not-found')
        .replace('{endpointId}', '1000') // registered below
        .replace('{eventId}', 'ZXYxLjEuMQ')
        .replace(/^\/availability$/, '/availability?from=2030-01-01T00:00:00Z&to=2030-01-02T00:00:00Z'),
      secured: !(Array.isArray(operation.security) && operation.security.length === 0),
      write: method !== 'get',
    })),
);

t.test(
  'the spec secures exactly the /orders, /availability, /services, /events and /webhook-endpoints operations',
  async (t) => {
    const guarded = (url: string) => /^\/(orders|availability|services|events|webhook-endpoints)\b/.test(url);
    const secured = operations.filter((o) => o.secured).map((o) => o.url);
    t.ok(secured.length >= 12);
    t.ok(secured.every(guarded));
    t.ok(operations.filter((o) => !o.secured).every((o) => !guarded(o.url)));
  },
);

for (const { method, url, secured } of operations) {
  t.test(`${method} ${url} without a key is ${secured ? '401' : 'open'}`, async (t) => {
    const res = await api.request({ method, url });
    if (secured) {
      t.equal(res.status, 401);
      t.equal(res.body.type, '/problems/unauthorized');
      t.match(res.headers['www-authenticate'], /^Bearer/);
    } else {
      t.equal(res.status, 200);
    }
  });
}

// The event stream never ends, so app.inject cannot await its 200: a read key
// subscribing is tested over a real socket in test/events-stream.test.ts.
for (const { method, url, write } of operations.filter((o) => o.secured && o.url !== '/events/stream')) {
  t.test(`${method} ${url} with a read key is ${write ? '403' : 'allowed'}`, async (t) => {
    const res = await api.request({
      method,
      url,
      headers: { ...bearer(readToken), 'content-type': 'application/json' },
      payload: write && method !== 'DELETE' ? '{}' : undefined,
    });
    if (write) {
      t.equal(res.status, 403);
      t.equal(res.body.type, '/problems/forbidden');
    } else {
      t.equal(res.status, 200);
    }
  });
}

for (const [name, authorization] of [
  ['an unknown token', `Bearer ${writeToken}x`],
  ['another scheme', `Basic ${Buffer.from(`u:${writeToken}`).toString('base64')}`],
  ['no token', 'Bearer '],
  ['the token without a scheme', writeToken],
] as const) {
  t.test(`${name} is 401`, async (t) => {
    const res = await api.get('/orders', { authorization });
    t.equal(res.status, 401);
    t.match(res.headers['www-authenticate'], /^Bearer/);
  });
}

t.test('a write key can do everything; the scheme name is case-insensitive', async (t) => {
  const created = await api.post('/orders', anOrder(), bearer(writeToken));
  t.equal(created.status, 201);
  t.equal((await api.get(`/orders/${created.body.id}`, { authorization: `bearer ${writeToken}` })).status, 200);
  t.equal((await api.patch(`/orders/${created.body.id}`, { totalfee: 7 }, bearer(writeToken))).status, 200);
  t.equal((await api.delete(`/orders/${created.body.id}`, bearer(writeToken))).status, 204);
});

t.test('a read key may HEAD', async (t) => {
  t.equal((await api.request({ method: 'HEAD', url: '/orders/223', headers: bearer(readToken) })).status, 200);
  t.equal((await api.request({ method: 'HEAD', url: '/orders/223' })).status, 401);
});

t.test('a read key cannot write, and its attempt changes nothing', async (t) => {
  const before = (await api.get('/orders/223', bearer(readToken))).body;
  t.equal((await api.put('/orders/223', anOrder(), bearer(readToken))).status, 403);
  t.equal((await api.delete('/orders/223', bearer(readToken))).status, 403);
  t.equal((await api.post('/services', { name: 'Sneaky' }, bearer(readToken))).status, 403);
  t.same((await api.get('/orders/223', bearer(readToken))).body, before);
});

t.test('authentication comes before the body is read: no key and a bad body is 401', async (t) => {
  for (const [headers, payload] of [
    [{ 'content-type': 'text/plain' }, 'hello'],
    [{ 'content-type': 'application/json' }, '{"totalfee": "x"}'],
    [{ 'content-type': 'application/json' }, '{'],
  ] as const) {
    const res = await api.request({ method: 'POST', url: '/orders', headers, payload });
    t.equal(res.status, 401, headers['content-type']);
  }
});

t.test('tokens never appear in the logs, and a service without keys warns that auth is off', async (t) => {
  const lines: string[] = [];
  const stream = new Writable({
    write: (chunk, _enc, done) => {
      lines.push(String(chunk));
      done();
    },
  });
  const database = await freshDatabase(t);
  // A serializer that logs every request header, as a careless change might.
  const serializers = { req: (req: { headers: unknown }) => ({ headers: req.headers }) };
  for (const apiKeys of [[{ token: writeToken, scope: 'write' as const }], []]) {
    const app = await buildApp({ database, apiKeys, logger: { level: 'trace', stream, serializers } });
    const logged = await apiFor(app, database);
    await logged.get('/orders/223', bearer(writeToken));
    await logged.get('/orders/223', bearer(`${writeToken}-wrong`));
    await logged.post('/orders', { totalfee: 'x' }, bearer(writeToken));
    await app.close();
  }
  const log = lines.join('');
  t.ok(lines.length > 6, 'requests were logged');
  t.match(log, /"authorization":"\[Redacted\]"/, 'the header was logged, redacted');
  t.notMatch(log, writeToken, 'no token in any log line');
  t.match(log, /API_KEYS is not set: authentication is off/);
});
