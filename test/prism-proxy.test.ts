// Prism, the independent validator of CONTRACT_PROXY=prism runs, catches a
// service that breaks the contract: here a stand-in upstream answers with
// deliberately wrong responses, and each one fails the check that every
// response in the suite goes through.
import { createServer, type ServerResponse } from 'node:http';
import t from 'tap';
import { loadSpec } from '../src/contract/spec.js';
import { send } from './helpers/http.js';
import { listenLocally } from './helpers/ports.js';
import { assertPrismPassed, prismForwardsUnchanged, prismRouting, startPrism } from './helpers/prism.js';

const order = {
  id: '1000',
  datetime: '2031-01-01T00:00:00.000Z',
  totalfee: 0.07,
  services: [{ id: '123', name: 'Inspection' }],
  createdAt: '2030-01-01T00:00:00.000Z',
  updatedAt: '2030-01-01T00:00:00.000Z',
};

/** What the stand-in service answers, by method and path. */
const answers: Record<string, (res: ServerResponse) => void> = {
  'GET /orders/1000': (res) => reply(res, 200, order),
  'GET /orders/1': (res) => reply(res, 200, { ...order, id: 1, totalfee: '0.07' }),
  'GET /orders/2': (res) => reply(res, 418, {}),
  'POST /orders': (res) => reply(res, 201, order), // without its Location header
  'GET /orders/3': (res) => reply(res, 404, { type: '/problems/not-found', title: 'Not found', status: 404 }),
};

function reply(res: ServerResponse, status: number, body: unknown): void {
  const type = status >= 400 ? 'application/problem+json' : 'application/json';
  // Every single-order success carries an ETag, as the service's do.
  const etag = status < 300 ? { etag: '"stand-in"' } : {};
  res.writeHead(status, { 'content-type': type, 'x-request-id': 'stand-in', ...etag }).end(JSON.stringify(body));
}

const upstream = createServer((req, res) => answers[`${req.method} ${req.url}`]!(res));
const upstreamUrl = await listenLocally(upstream);
t.teardown(() => upstream.close());
const prism = await startPrism(upstreamUrl);
t.teardown(prism.stop);

const through = async (method: string, url: string) => {
  // A bearer token, or Prism refuses the request itself (the spec requires one).
  const headers = { 'content-type': 'application/json', authorization: 'Bearer stand-in-token-000000' };
  const response = await send(prism.url, { method, url, headers, payload: method === 'POST' ? '{}' : undefined });
  return () => assertPrismPassed(`${method} ${url}`, response);
};

t.test('a response that keeps the contract passes', async (t) => {
  t.doesNotThrow(await through('GET', '/orders/1000'));
});

for (const [name, method, url, message] of [
  ['a body of the wrong shape', 'GET', '/orders/1', /breaks the contract: .*id must be string/],
  ['an undeclared status', 'GET', '/orders/2', /breaks the contract: .*Unable to match the returned status code/],
  ['a missing required header', 'POST', '/orders', /breaks the contract: .*location/i],
  ['a problem without its detail', 'GET', '/orders/3', /breaks the contract: .*detail/],
] as const) {
  t.test(`${name} fails the test`, async (t) => {
    t.throws(await through(method, url), message);
  });
}

t.test('an answer Prism gives itself, not the service, fails the test', async (t) => {
  t.throws(await through('GET', '/not-in-the-spec'), /answered by Prism, not the service/);
});

t.test('requests Prism would change or not forward go to the service directly', async (t) => {
  const request = (method: string, url: string, payload?: string) =>
    prismForwardsUnchanged({ method, url, payload, headers: { authorization: 'Bearer k' } });
  t.ok(request('GET', '/orders/223?x=1'));
  t.ok(request('POST', '/orders', '{"a":[1,2]}'));
  t.ok(request('POST', '/orders', ''));
  t.notOk(request('HEAD', '/orders/223'), 'HEAD is not an OpenAPI operation');
  t.notOk(request('DELETE', '/orders'), 'not an operation of the spec');
  t.notOk(request('GET', '/nope'), 'not a path of the spec');
  t.notOk(request('POST', '/orders', '{"a": 1}'), 'Prism would re-serialise the padding');
  t.notOk(request('POST', '/orders', '{"datetime":'), 'Prism would answer malformed JSON itself');
  t.notOk(request('POST', '/orders', 'null'), 'Prism would drop a bare scalar');
  t.notOk(request('POST', '/orders', '{"__proto__":{}}'), 'Prism would drop the key');
});

t.test('a request without the credentials an operation requires goes to the service directly', async (t) => {
  // Prism answers such a request with its own 401, whatever the service does.
  const spec = loadSpec();
  spec.components.securitySchemes = {
    bearer: { type: 'http', scheme: 'bearer' },
    key: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
  };
  Object.assign(spec, { security: [{ bearer: [] }, { key: [] }] });
  const forwards = prismRouting(spec);
  t.notOk(forwards({ method: 'GET', url: '/orders/223' }));
  t.ok(forwards({ method: 'GET', url: '/orders/223', headers: { Authorization: 'Bearer k' } }));
  t.ok(forwards({ method: 'GET', url: '/orders/223', headers: { 'x-api-key': 'k' } }));
  t.ok(forwards({ method: 'GET', url: '/healthz' }), 'security: [] needs nothing');
});
