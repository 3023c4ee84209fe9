// The contract itself: every operation has a handler, and the service
// serves its own spec and documentation.
import t from 'tap';
import { parse } from 'yaml';
import { readSpecText } from '../src/contract/spec.js';
import { createHandlers } from '../src/handlers.js';
import { createIdempotencyStore } from '../src/idempotency/store.js';
import { buildTestApi } from './helpers/api.js';
import { spec } from './helpers/contract.js';

const api = await buildTestApi(t);

const operationIds = Object.values(spec.paths).flatMap((item) =>
  Object.values(item).flatMap((operation) => (operation.operationId ? [operation.operationId] : [])),
);

t.test('every operationId in the spec has a handler, and every handler an operation', async (t) => {
  const handlers = createHandlers(api.database, createIdempotencyStore(api.database.db), {
    json: () => ({}),
    yaml: () => '',
  });
  t.same(Object.keys(handlers).sort(), [...operationIds].sort());
  for (const id of operationIds) t.type(handlers[id as keyof typeof handlers], 'function', id);
});

t.test('no route answers "not implemented"', async (t) => {
  // Reaching each operation with a bad path id proves it is routed to a
  // handler (the glue's placeholder would throw a 500 instead).
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of Object.keys(item).filter((m) => m !== 'parameters')) {
      const url = path.replace(/{\w+}/g, '1');
      const res = await api.request({
        method: method.toUpperCase() as 'GET',
        url,
        payload: method === 'get' || method === 'delete' ? undefined : '{}',
        headers: { 'content-type': 'application/json' },
      });
      t.not(res.status, 500, `${method.toUpperCase()} ${path}`);
    }
  }
});

t.test('GET /openapi.json and /openapi.yaml serve the spec the service runs on', async (t) => {
  const asJson = await api.get('/openapi.json');
  t.equal(asJson.status, 200);
  t.same(asJson.body.info, spec.info);
  t.same(Object.keys(asJson.body.paths), Object.keys(spec.paths));
  const asYaml = await api.get('/openapi.yaml');
  t.equal(asYaml.status, 200);
  t.match(asYaml.headers['content-type'], /^application\/yaml/);
  t.same(parse(asYaml.text).paths, asJson.body.paths);
  t.equal(asYaml.text, readSpecText(), 'the YAML is the file as written, comments and quotes included');
});

t.test('GET /docs serves the self-contained Redoc page', async (t) => {
  const res = await api.get('/docs');
  t.equal(res.status, 200);
  t.match(res.headers['content-type'], /^text\/html/);
  t.match(res.text, /<title>Order service<\/title>/);
  t.notMatch(res.text, /<script[^>]+src=["']https?:/, 'no script from a CDN');
  t.notMatch(res.text, /cdn\.redoc\.ly/, 'no logo from a CDN');
});

t.test('HEAD is answered for every GET, without a body', async (t) => {
  const res = await api.request({ method: 'HEAD', url: '/orders/223' });
  t.equal(res.status, 200);
  t.equal(res.text, '');
});

t.test('every response carries a request id, and a client-sent one is echoed', async (t) => {
  const generated = await api.get('/healthz');
  t.match(generated.headers['x-request-id'], /^[0-9a-f-]{36}$/);
  const echoed = await api.request({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'trace-42' } });
  t.equal(echoed.headers['x-request-id'], 'trace-42');
});
