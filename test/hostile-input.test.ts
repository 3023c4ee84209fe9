// The classics of hostile input, by hand: huge numbers, deep nesting,
// prototype-polluting keys, bytes that are not UTF-8 and text PostgreSQL
// cannot store, SQL metacharacters in every string field. Never a 5xx,
// always a contract-valid answer (apiFor checks), nothing stored that the
// client did not send. Over-long headers are in http-limits.test.ts.
import t from 'tap';
import { type ApiResponse, buildTestApi, type Schemas } from './helpers/api.js';
import { anOrder } from './helpers/fixtures.js';

const api = await buildTestApi(t);
const json = (url: string, payload: string | Buffer, method: 'POST' | 'PUT' = 'POST') =>
  api.request({ method, url, headers: { 'content-type': 'application/json' }, payload });
/** The distinct inputs a 400 names. */
const pointers = (res: ApiResponse<Partial<Schemas['ValidationProblem']>>) => [
  ...new Set(res.body.errors?.map((e) => e.pointer)),
];
const order = (totalfee: string) =>
  `{"datetime":"2040-01-01T00:00:00Z","totalfee":${totalfee},"services":[{"id":"123"}]}`;

t.test('huge and tiny numbers are refused where they are out of range, never overflow', async (t) => {
  for (const fee of ['1e308', '1e309', '-1e308', '12345678901234567890123', '1000000000.01', '5e-324', '-0.001']) {
    const res = await json('/orders', order(fee));
    t.equal(res.status, 400, `totalfee ${fee}`);
    t.same(pointers(res), ['#/totalfee']);
  }
  for (const limit of ['1e309', '99999999999999999999', '-1', '0', '201', 'NaN']) {
    t.same(pointers(await api.get(`/orders?limit=${limit}`)), ['#/limit'], `limit=${limit}`);
  }
  t.equal((await api.get('/orders/99999999999999999999')).status, 400, '20 digits: malformed');
  t.equal((await api.get('/orders/999999999999999999')).status, 404, '18 digits: well formed, absent');
  const res = await api.post('/orders', anOrder({ services: [{ id: '9'.repeat(19) }] }));
  t.same(pointers(res), ['#/services/0/id']);
});

t.test('deep nesting is refused, however deep, within the body limit', async (t) => {
  const depth = 10_000;
  for (const payload of [
    '['.repeat(depth) + ']'.repeat(depth),
    `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
    `{"datetime":"2040-01-01T00:00:00Z","totalfee":1,"services":${'['.repeat(depth)}${']'.repeat(depth)}}`,
  ]) {
    const res = await json('/orders', payload);
    t.equal(res.status, 400);
  }
  t.equal((await json('/orders', '['.repeat(40_000) + ']'.repeat(40_000))).status, 413, 'over 64 KiB: 413');
});

t.test('__proto__ and constructor keys are refused, and nothing is polluted', async (t) => {
  for (const payload of [
    '{"__proto__":{"polluted":true},"name":"x"}',
    '{"name":"x","constructor":{"prototype":{"polluted":true}}}',
    order('1').replace('{', '{"__proto__":{"polluted":true},'),
    `{"datetime":"2040-01-01T00:00:00Z","totalfee":1,"services":[{"id":"123","__proto__":{"polluted":true}}]}`,
  ]) {
    const res = await json(payload.includes('datetime') ? '/orders' : '/services', payload);
    t.equal(res.status, 400, payload);
  }
  t.same((await json('/services', '{"name":"x","constructor":1}')).body.errors, [
    { in: 'body', pointer: '#/constructor', detail: 'is not a known property' },
  ]);
  t.equal(({} as { polluted?: boolean }).polluted, undefined, 'Object.prototype untouched');
});

t.test('bytes that are not UTF-8, U+0000 and lone surrogates are refused; real Unicode round-trips', async (t) => {
  const invalidUtf8 = Buffer.concat([
    Buffer.from('{"name":"'),
    Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
    Buffer.from('"}'),
  ]);
  t.same(pointers(await json('/services', invalidUtf8)), ['#']);
  t.same(pointers(await api.post('/services', { name: 'a\u0000b' })), ['#/name']);
  t.same(pointers(await api.post('/services', { name: 'half \ud83d of a pair' })), ['#/name']);
  t.same(pointers(await api.put('/services/123', { name: '\udc00' })), ['#/name']);
  for (const bad of ['/orders/%E0%A4%A', '/orders/%FF', '/services/%C0%AF']) {
    t.same(pointers(await api.get(bad)), ['#'], `${bad}: a malformed path`);
  }
  const name = 'Prüfung 検査 🔧 ﬁ';
  const created = await api.post('/services', { name });
  t.equal(created.status, 201);
  t.equal((await api.get(`/services/${created.body.id}`)).body.name, name, 'stored exactly as sent');
});

const SQL = [
  "'",
  "''",
  '"',
  '\\',
  ';',
  '--',
  '/*',
  '*/',
  '%',
  '_',
  '$1',
  "' OR '1'='1",
  "'); DROP TABLE orders; --",
  '\\x00',
  "E'\\047'",
];

t.test('SQL metacharacters in every string field are data, never SQL', async (t) => {
  for (const s of SQL) {
    const name = `svc ${s}`;
    const created = await api.post('/services', { name });
    t.equal(created.status, 201, `name ${JSON.stringify(name)}`);
    t.equal((await api.get(`/services/${created.body.id}`)).body.name, name);
    t.equal((await api.put(`/services/${created.body.id}`, { name: `${name}!` })).body.name, `${name}!`);
    t.same(pointers(await api.post('/orders', anOrder({ datetime: `2040-01-01T00:00:00Z${s}` }))), ['#/datetime']);
    t.same(pointers(await api.post('/orders', anOrder({ services: [{ id: `1${s}` }] }))), ['#/services/0/id']);
    const encoded = encodeURIComponent(`1${s}`);
    for (const path of [`/orders/${encoded}`, `/services/${encoded}`])
      t.same(pointers(await api.get(path)), path.startsWith('/orders') ? ['#/orderId'] : ['#/serviceId']);
    t.same(pointers(await api.delete(`/orders/${encoded}`)), ['#/orderId']);
    for (const query of ['cursor', 'from', 'to', 'limit']) {
      t.same(pointers(await api.get(`/orders?${query}=${encodeURIComponent(`x${s}`)}`)), [`#/${query}`], `${query}`);
    }
  }
  t.equal((await api.get('/orders/223')).status, 200, 'the orders table is intact');
  t.equal((await api.get('/services')).body.data.length, 3 + SQL.length + 1, 'every service is where it should be');
});
