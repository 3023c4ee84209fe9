// The contract itself: every operation has a handler, and the service
// serves its own spec and documentation.
import t from 'tap';
import { parse } from 'yaml';
import { readSpecText } from '../src/contract/spec.js';
import { createHandlers } from '../src/handlers.js';
import { createIdempotencyStore } from '../src/idempotency/store.js';
import { buildTestApi, type Schemas } from './helpers/api.js';
import { spec } from './helpers/contract.js';
import { operations } from './helpers/spec-requests.js';

const api = await buildTestApi(t);

const operationIds = operations.map((op) => op.id);

// The glue binds each route to the handler named by its operationId (a
// missing one becomes a placeholder that answers 500 "not implemented"):
// equal sets of names mean every route reaches a handler of its own.
t.test('every operationId in the spec has a handler, and every handler an operation', async (t) => {
  const events = { listEvents: async () => ({}) as never, streamEvents: async () => ({}) as never };
  const handlers = createHandlers(
    api.database,
    createIdempotencyStore(api.database.db),
    { json: () => ({}), yaml: () => '' },
    events,
  );
  t.same(Object.keys(handlers).sort(), [...operationIds].sort());
  for (const id of operationIds) t.type(handlers[id as keyof typeof handlers], 'function', id);
});

t.test('a malformed path parameter is a 400 naming it, on every operation that takes one', async (t) => {
  // Ids are digits, problem types lowercase words and event ids base64url
  // (letters, digits, - and _): "Not.An.Id" is none of them,
  // so validation refuses it before any handler, with the problem that names
  // the parameter (and, for PUT and PATCH, the empty body beside it).
  for (const op of operations.filter((op) => op.parameters.some((p) => p.in === 'path'))) {
    const where = `${op.method} ${op.path}`;
    const res = await api.request<Schemas['ValidationProblem']>({
      method: op.method as 'GET',
      url: op.path.replace(/{\w+}/g, 'Not.An.Id'),
      ...(op.body && { payload: '{}', headers: { 'content-type': op.body.mediaType } }),
    });
    t.equal(res.status, 400, where);
    t.equal(res.body.type, '/problems/validation', where);
    t.same(
      res.body.errors.filter((e) => e.in === 'path').map((e) => e.pointer),
      op.parameters.filter((p) => p.in === 'path').map((p) => `#/${p.name}`),
      `${where} names its path parameter`,
    );
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
