// The headers every answer carries: `X-Content-Type-Options: nosniff` on
// all of them, and `Cache-Control: no-store` on everything under /orders and
// /services (private data), errors included; the probes, the spec and the
// docs are not held to no-store. And a request without Host is refused with
// a problem like every other refusal, not Node's bare empty 400.
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { type ApiResponse, apiFor } from './helpers/api.js';
import { assertIsProblem, assertMatchesContract } from './helpers/contract.js';
import { freshDatabase } from './helpers/database.js';
import { anOrder } from './helpers/fixtures.js';
import { parseResponses, type RawResponse, rawConnection } from './helpers/raw-http.js';

const token = 'response-headers-write-key-0001';
const database = await freshDatabase(t);
const app = await buildApp({ database, apiKeys: [{ token, scope: 'write' }] });
t.teardown(() => app.close());
// Under CONTRACT_PROXY=prism apiFor listens already; the raw-socket tests use that same server.
const api = await apiFor(app, database);
const url = app.server.listening
  ? `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  : await app.listen({ port: 0, host: '127.0.0.1' });
const key = { authorization: `Bearer ${token}` };

/** Writes `text` on a new connection; what came back once the server closed it. */
async function exchange(text: string): Promise<RawResponse[]> {
  const connection = await rawConnection(url);
  connection.write(text);
  await connection.response();
  return parseResponses(connection.received(), 0);
}

t.test(
  'every answer under /orders, /services, /events and /webhook-endpoints is no-store and nosniff, errors included',
  async (t) => {
    const created = await api.post('/orders', anOrder(), key);
    t.equal(created.status, 201);
    const id = created.body.id as string;
    const responses: [string, ApiResponse][] = [
      ['201 POST /orders', created],
      ['200 GET /orders', await api.get('/orders?limit=1', key)],
      ['200 GET /orders/{id}', await api.get(`/orders/${id}`, key)],
      [
        '304 GET /orders/{id}',
        await api.get(`/orders/${id}`, { ...key, 'if-none-match': String(created.headers.etag) }),
      ],
      ['200 GET /services', await api.get('/services', key)],
      ['200 GET /events', await api.get('/events', key)],
      [
        '201 POST /webhook-endpoints (its secret)',
        await api.post('/webhook-endpoints', { url: 'https://receiver.example/hook' }, key),
      ],
      ['200 GET /webhook-endpoints', await api.get('/webhook-endpoints', key)],
      ['401 without a key', await api.get('/orders')],
      ['404 no such order', await api.get('/orders/999999', key)],
      ['400 malformed id', await api.get('/orders/x', key)],
      ['400 path the router cannot decode', await api.get('/orders/%E0%A4', key)],
      ['405 DELETE /orders', await api.request({ method: 'DELETE', url: '/orders', headers: key })],
      ['204 DELETE /orders/{id}', await api.delete(`/orders/${id}`, key)],
    ];
    t.same(
      responses.map(([, r]) => r.status),
      [201, 200, 200, 304, 200, 200, 201, 200, 401, 404, 400, 400, 405, 204],
    );
    for (const [what, res] of responses) {
      t.equal(res.headers['cache-control'], 'no-store', `${what}: no-store`);
      t.equal(res.headers['x-content-type-options'], 'nosniff', `${what}: nosniff`);
    }
  },
);

t.test('the open paths are nosniff, and not held to no-store', async (t) => {
  for (const path of ['/healthz', '/readyz', '/openapi.json', '/openapi.yaml', '/docs', '/no/such/path']) {
    const res = await api.get(path);
    t.equal(res.headers['x-content-type-options'], 'nosniff', `${path}: nosniff`);
    t.equal(res.headers['cache-control'], undefined, `${path}: no Cache-Control`);
  }
  t.equal((await api.get('/ordersx')).headers['cache-control'], undefined, '/ordersx is not /orders');
});

t.test('an HTTP/1.1 request without Host is a 400 problem, before authentication', async (t) => {
  for (const path of ['/healthz', '/orders']) {
    const [res, ...more] = await exchange(`GET ${path} HTTP/1.1\r\n\r\n`);
    t.equal(res!.status, 400, path);
    t.equal(res!.headers['content-type'], 'application/problem+json; charset=utf-8');
    assertIsProblem({ method: 'GET', url: path, ...res! });
    if (path === '/orders') assertMatchesContract({ method: 'GET', url: path, ...res! });
    t.same(JSON.parse(res!.body).errors, [{ in: 'header', pointer: '#/host', detail: 'is required in HTTP/1.1' }]);
    t.equal(res!.headers.connection, 'close');
    t.equal(res!.headers['x-content-type-options'], 'nosniff');
    t.match(res!.headers['x-request-id'], /^[0-9a-f-]{36}$/);
    t.same(more, [], 'and the connection is closed');
  }
});

t.test('HTTP/1.0 needs no Host', async (t) => {
  const [res] = await exchange('GET /healthz HTTP/1.0\r\n\r\n');
  t.equal(res!.status, 200);
});

t.test('answers written on the socket itself are nosniff too', async (t) => {
  const [garbage] = await exchange('garbage\r\n\r\n');
  t.equal(garbage!.status, 400);
  t.equal(garbage!.headers['x-content-type-options'], 'nosniff');
  const [expectation] = await exchange('GET /orders HTTP/1.1\r\nHost: test\r\nExpect: teapot\r\n\r\n');
  t.equal(expectation!.status, 417);
  assertIsProblem({ method: 'GET', url: '/orders', ...expectation! });
  t.equal(expectation!.headers['x-content-type-options'], 'nosniff');
  t.equal(expectation!.headers['cache-control'], 'no-store');
});
