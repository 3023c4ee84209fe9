// Bad input always gets a clear 4xx problem+json naming what is wrong, and
// changes nothing. One row per case of the contract's error table; each
// refused write checks on its own that no order was stored.
import t, { type Test } from 'tap';
import { type ApiResponse, buildTestApi, type Schemas } from './helpers/api.js';
import { anOrder } from './helpers/fixtures.js';

const api = await buildTestApi(t);
const json = { 'content-type': 'application/json' };

async function orderCount(): Promise<number> {
  let count = 0;
  let cursor: string | null = null;
  do {
    const page: ApiResponse<Schemas['OrderPage']> = await api.get(
      `/orders?limit=200${cursor ? `&cursor=${cursor}` : ''}`,
    );
    count += page.body.data.length;
    cursor = page.body.nextCursor;
  } while (cursor);
  return count;
}

/** Sends a request that must be refused; checks that it stored no order (nor removed one). */
async function refused<Body>(t: Test, send: () => Promise<ApiResponse<Body>>): Promise<ApiResponse<Body>> {
  const before = await orderCount();
  const res = await send();
  t.equal(await orderCount(), before, 'no order stored or removed');
  return res;
}

function expectInvalid(t: Test, res: ApiResponse<Schemas['ValidationProblem']>, pointers: string[]) {
  t.equal(res.status, 400);
  t.equal(res.body.type, '/problems/validation');
  const named = new Set(res.body.errors.map((e) => e.pointer));
  t.same([...named].sort(), [...pointers].sort(), 'names every failing input');
}

const badBodies: [string, unknown, string[]][] = [
  ['an empty object', {}, ['#/datetime', '#/totalfee', '#/services']],
  ['an array', [], ['#']],
  ['a string', 'order', ['#']],
  ['null', null, ['#']],
  ['an unknown property', { ...anOrder(), colour: 'red' }, ['#/colour']],
  ['a client-chosen id', { ...anOrder(), id: '5' }, ['#/id']],
  [
    'every field wrong at once',
    { datetime: 'soon', totalfee: '100', services: [] },
    ['#/datetime', '#/totalfee', '#/services'],
  ],
  ['a datetime without offset', anOrder({ datetime: '2031-05-01T10:00:00' }), ['#/datetime']],
  ['a date alone', anOrder({ datetime: '2031-05-01' }), ['#/datetime']],
  ['February 30', anOrder({ datetime: '2031-02-30T10:00:00Z' }), ['#/datetime']],
  ['February 29 of a common year', anOrder({ datetime: '2031-02-29T10:00:00Z' }), ['#/datetime']],
  ['a leap second', anOrder({ datetime: '2016-12-31T23:59:60Z' }), ['#/datetime']],
  ['hour 24', anOrder({ datetime: '2031-05-01T24:00:00Z' }), ['#/datetime']],
  ['a space for T', anOrder({ datetime: '2031-05-01 10:00:00Z' }), ['#/datetime']],
  ['an offset without colon', anOrder({ datetime: '2031-05-01T10:00:00+0530' }), ['#/datetime']],
  ['an offset of 24 hours', anOrder({ datetime: '2031-05-01T10:00:00+24:00' }), ['#/datetime']],
  ['a year beyond 9999 in UTC', anOrder({ datetime: '9999-12-31T23:00:00-02:00' }), ['#/datetime']],
  ['a datetime as a number', { ...anOrder(), datetime: 1667301071111 }, ['#/datetime']],
  ['an empty datetime', anOrder({ datetime: '' }), ['#/datetime']],
  ['a null datetime', { ...anOrder(), datetime: null }, ['#/datetime']],
  ['totalfee as a string', { ...anOrder(), totalfee: '100' }, ['#/totalfee']],
  ['totalfee null', { ...anOrder(), totalfee: null }, ['#/totalfee']],
  ['totalfee true', { ...anOrder(), totalfee: true }, ['#/totalfee']],
  ['totalfee in an array', { ...anOrder(), totalfee: [5] }, ['#/totalfee']],
  ['a negative totalfee', anOrder({ totalfee: -0.01 }), ['#/totalfee']],
  ['totalfee with 3 decimals', anOrder({ totalfee: 10.001 }), ['#/totalfee']],
  ['totalfee over a billion', anOrder({ totalfee: 1000000000.01 }), ['#/totalfee']],
  ['a huge totalfee', anOrder({ totalfee: 1e308 }), ['#/totalfee']],
  ['no services', anOrder({ services: [] }), ['#/services']],
  [
    '21 services',
    anOrder({ services: Array.from({ length: 21 }, (_, i) => ({ id: String(1000 + i) })) }),
    ['#/services'],
  ],
  ['a repeated service', anOrder({ services: [{ id: '123' }, { id: '123' }] }), ['#/services']],
  ['a numeric service id', { ...anOrder(), services: [{ id: 123 }] }, ['#/services/0/id']],
  ['a non-digit service id', anOrder({ services: [{ id: 'abc' }] }), ['#/services/0/id']],
  ['a service id with a leading zero', anOrder({ services: [{ id: '0123' }] }), ['#/services/0/id']],
  ['a service with a name', { ...anOrder(), services: [{ id: '123', name: 'Inspection' }] }, ['#/services/0/name']],
  ['a service without id', { ...anOrder(), services: [{}] }, ['#/services/0/id']],
  ['services as a string', { ...anOrder(), services: '123' }, ['#/services']],
];

for (const [name, body, pointers] of badBodies) {
  t.test(`POST /orders with ${name} is 400`, async (t) => {
    expectInvalid(t, await refused(t, () => api.post('/orders', body)), pointers);
  });
}

t.test('PUT /orders/{id} validates its body the same way', async (t) => {
  expectInvalid(t, await api.put('/orders/223', { ...anOrder(), totalfee: '100' }), ['#/totalfee']);
  t.equal((await api.get('/orders/223')).body.totalfee, 100);
});

t.test('a bad path id and a bad body are both reported', async (t) => {
  const res = await refused(t, () => api.put<Schemas['ValidationProblem']>('/orders/abc', { totalfee: -1 }));
  expectInvalid(t, res, ['#/orderId', '#/datetime', '#/totalfee', '#/services']);
  t.same(res.body.errors.find((e) => e.pointer === '#/orderId')?.in, 'path');
});

for (const id of ['abc', '1.5', '-1', '12345678901234567890', '1234567890123456789', '007', '%20']) {
  t.test(`a malformed path id "${id}" is 400 on every order and service operation`, async (t) => {
    for (const res of [
      await api.get(`/orders/${id}`),
      await refused(t, () => api.put(`/orders/${id}`, anOrder())),
      await refused(t, () => api.delete(`/orders/${id}`)),
      await api.get(`/services/${id}`),
      await api.put(`/services/${id}`, { name: 'x' }),
      await api.delete(`/services/${id}`),
    ]) {
      t.equal(res.status, 400);
      t.equal(res.body.errors[0].in, 'path');
    }
  });
}

t.test('an 18-digit id is well formed: 404, not 400', async (t) => {
  t.equal((await api.get('/orders/999999999999999999')).status, 404);
});

const badQueries: [string, string[]][] = [
  ['limit=0', ['#/limit']],
  ['limit=201', ['#/limit']],
  ['limit=abc', ['#/limit']],
  ['limit=1.5', ['#/limit']],
  ['limit=1&limit=2', ['#/limit']],
  ['cursor=not%20base64!', ['#/cursor']],
  ['cursor=Z2FyYmFnZQ', ['#/cursor']], // base64url of "garbage"
  ['from=yesterday', ['#/from']],
  ['to=2031-02-30T00:00:00Z', ['#/to']],
  ['from=2031-01-02T00:00:00Z&to=2031-01-01T00:00:00Z', ['#/to']],
  ['limit=0&from=x&to=y', ['#/limit', '#/from', '#/to']],
];
for (const [query, pointers] of badQueries) {
  t.test(`GET /orders?${query} is 400`, async (t) => {
    const res = await api.get(`/orders?${query}`);
    expectInvalid(t, res, pointers);
    t.ok(res.body.errors.every((e: Schemas['ValidationError']) => e.in === 'query'));
  });
}

t.test('malformed JSON is 400', async (t) => {
  const res = await refused(t, () =>
    api.request({ method: 'POST', url: '/orders', headers: json, payload: '{"datetime": ' }),
  );
  expectInvalid(t, res, ['#']);
  t.match(res.body.errors[0].detail, /not valid JSON/);
});

t.test('an empty JSON body is 400', async (t) => {
  const res = await refused(t, () => api.request({ method: 'POST', url: '/orders', headers: json, payload: '' }));
  expectInvalid(t, res, ['#']);
});

t.test('a missing body is 400', async (t) => {
  expectInvalid(t, await refused(t, () => api.request({ method: 'POST', url: '/orders' })), ['#']);
});

t.test('__proto__ and constructor.prototype keys are refused', async (t) => {
  for (const payload of [
    '{"__proto__": {"admin": true}, "datetime": "2031-01-01T00:00:00Z", "totalfee": 1, "services": [{"id": "123"}]}',
    '{"constructor": {"prototype": {"admin": true}}, "datetime": "2031-01-01T00:00:00Z", "totalfee": 1, "services": [{"id": "123"}]}',
  ]) {
    const res = await refused(t, () => api.request({ method: 'POST', url: '/orders', headers: json, payload }));
    t.equal(res.status, 400);
    t.equal(({} as Record<string, unknown>).admin, undefined, 'no prototype was polluted');
  }
});

t.test('application/json with a charset is JSON', async (t) => {
  const res = await api.request({
    method: 'POST',
    url: '/orders',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    payload: JSON.stringify(anOrder()),
  });
  t.equal(res.status, 201);
});

for (const [name, headers] of [
  ['text/plain', { 'content-type': 'text/plain' }],
  ['application/x-www-form-urlencoded', { 'content-type': 'application/x-www-form-urlencoded' }],
  ['application/xml', { 'content-type': 'application/xml' }],
  ['text/html (a type the spec names only for responses)', { 'content-type': 'text/html' }],
  ['application/problem+json', { 'content-type': 'application/problem+json' }],
  ['no Content-Type', {}],
] as const) {
  t.test(`a body sent as ${name} is 415`, async (t) => {
    const res = await refused(t, () =>
      api.request({ method: 'POST', url: '/orders', headers, payload: JSON.stringify(anOrder()) }),
    );
    t.equal(res.status, 415);
    t.equal(res.body.type, '/problems/unsupported-media-type');
  });
}

t.test('a body over 64 KiB is 413; one just under is read', async (t) => {
  const padded = (size: number) => {
    const base = JSON.stringify(anOrder());
    return `${base.slice(0, -1) + ' '.repeat(size - base.length)}}`;
  };
  const over = await refused(t, () =>
    api.request({ method: 'POST', url: '/orders', headers: json, payload: padded(64 * 1024 + 1) }),
  );
  t.equal(over.status, 413);
  t.equal(over.body.type, '/problems/payload-too-large');
  const under = await api.request({ method: 'POST', url: '/orders', headers: json, payload: padded(64 * 1024) });
  t.equal(under.status, 201);
});

t.test('unknown service ids are 422 naming each of them, and store nothing', async (t) => {
  const body = anOrder({ services: [{ id: '123' }, { id: '999' }, { id: '0' }] });
  const res = await refused(t, () => api.post('/orders', body));
  t.equal(res.status, 422);
  t.equal(res.body.type, '/problems/unknown-services');
  t.same(res.body.unknownServiceIds, ['999', '0']);
  t.equal((await api.post('/orders', anOrder({ datetime: body.datetime }))).status, 201, 'the slot stayed free');
});

t.test('PUT with unknown service ids is 422 and leaves the order as it was', async (t) => {
  const order = (await api.post('/orders', anOrder())).body;
  const res = await api.put(`/orders/${order.id}`, anOrder({ services: [{ id: '424242' }] }));
  t.equal(res.status, 422);
  t.same((await api.get(`/orders/${order.id}`)).body, order);
});

for (const [method, url, allow] of [
  ['POST', '/orders/1', 'GET, HEAD, PUT, PATCH, DELETE'],
  ['PATCH', '/orders', 'GET, HEAD, POST'],
  ['DELETE', '/orders', 'GET, HEAD, POST'],
  ['PUT', '/orders', 'GET, HEAD, POST'],
  ['DELETE', '/services', 'GET, HEAD, POST'],
  ['POST', '/services/123', 'GET, HEAD, PUT, DELETE'],
  ['POST', '/healthz', 'GET, HEAD'],
] as const) {
  t.test(`${method} ${url} is 405 with Allow: ${allow}`, async (t) => {
    const res = await refused(t, () => api.request({ method, url, headers: json, payload: '{}' }));
    t.equal(res.status, 405);
    t.equal(res.headers.allow, allow);
    t.equal(res.body.type, '/problems/method-not-allowed');
  });
}

for (const url of ['/nope', '/orders/1/services', '/order', '/']) {
  t.test(`GET ${url} is a 404 problem`, async (t) => {
    const res = await api.get(url);
    t.equal(res.status, 404);
    t.equal(res.body.type, '/problems/not-found');
  });
}

t.test('a body sent with DELETE is ignored, whatever its type or size', async (t) => {
  for (const [headers, payload] of [
    [{ 'content-type': 'text/plain' }, 'please'],
    [{}, 'no content type'],
    [{ 'content-type': 'application/json' }, `{"pad": "${'x'.repeat(70 * 1024)}"}`],
  ] as const) {
    const order = (await api.post('/orders', anOrder())).body;
    const res = await api.request({ method: 'DELETE', url: `/orders/${order.id}`, headers, payload });
    t.equal(res.status, 204, headers['content-type' as keyof typeof headers] ?? 'none');
  }
  t.equal(
    (
      await api.request({
        method: 'DELETE',
        url: '/services/4242',
        headers: { 'content-type': 'text/plain' },
        payload: 'x',
      })
    ).status,
    404,
  );
});
