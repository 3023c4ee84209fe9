// PATCH /orders/{id} as a JSON Merge Patch: present fields replace, absent
// fields stay, and the merged order obeys every rule a replace does.
import t from 'tap';
import { buildTestApi, type Schemas } from './helpers/api.js';
import { anOrder, at, freeSlot, HOUR, THREE_HOURS } from './helpers/fixtures.js';

const api = await buildTestApi(t);

async function anExistingOrder(overrides = {}) {
  return (await api.post('/orders', anOrder({ totalfee: 100, services: [{ id: '123' }, { id: '789' }], ...overrides })))
    .body;
}

t.test('a patch of one field changes only that field', async (t) => {
  const order = await anExistingOrder();
  const res = await api.patch(`/orders/${order.id}`, { totalfee: 120.25 });
  t.equal(res.status, 200);
  t.same({ ...res.body, updatedAt: order.updatedAt }, { ...order, totalfee: 120.25 });
  t.same((await api.get(`/orders/${order.id}`)).body, res.body);
});

t.test('services in a patch replace the whole list, in the order given', async (t) => {
  const order = await anExistingOrder();
  const res = await api.patch(`/orders/${order.id}`, { services: [{ id: '456' }, { id: '123' }] });
  t.same(res.body.services, [
    { id: '456', name: 'Analysis' },
    { id: '123', name: 'Inspection' },
  ]);
  t.equal(res.body.totalfee, 100);
  t.equal(res.body.datetime, order.datetime);
});

t.test('an empty patch changes nothing but is a valid update', async (t) => {
  const order = await anExistingOrder();
  const res = await api.patch(`/orders/${order.id}`, {});
  t.equal(res.status, 200);
  t.same({ ...res.body, updatedAt: order.updatedAt }, order);
});

t.test('moving an order by patch obeys the 3-hour rule: 409, nothing changed', async (t) => {
  const slot = freeSlot();
  const first = await anExistingOrder({ datetime: slot.toISOString() });
  const second = await anExistingOrder({ datetime: at(slot, 6 * HOUR) });
  const res = await api.patch(`/orders/${second.id}`, { datetime: at(slot, THREE_HOURS - 1), totalfee: 1 });
  t.equal(res.status, 409);
  t.same(res.body.conflictingOrderIds, [first.id]);
  t.same((await api.get(`/orders/${second.id}`)).body, second);
  t.equal(
    (await api.patch(`/orders/${second.id}`, { datetime: at(slot, THREE_HOURS) })).status,
    200,
    'exactly 3 h is fine',
  );
});

t.test('a patch that keeps the datetime never conflicts with the order itself', async (t) => {
  const order = await anExistingOrder();
  t.equal((await api.patch(`/orders/${order.id}`, { datetime: order.datetime })).status, 200);
});

t.test('unknown services in a patch are 422, nothing changed', async (t) => {
  const order = await anExistingOrder();
  const res = await api.patch(`/orders/${order.id}`, { services: [{ id: '31337' }] });
  t.equal(res.status, 422);
  t.same(res.body.unknownServiceIds, ['31337']);
  t.same((await api.get(`/orders/${order.id}`)).body, order);
});

for (const [name, patch, pointer] of [
  ['a null datetime', { datetime: null }, '#/datetime'],
  ['a null totalfee', { totalfee: null }, '#/totalfee'],
  ['null services', { services: null }, '#/services'],
  ['an unknown field', { colour: 'red' }, '#/colour'],
  ['an id', { id: '1' }, '#/id'],
  ['a datetime without offset', { datetime: '2031-01-01T00:00:00' }, '#/datetime'],
  ['totalfee as a string', { totalfee: '5' }, '#/totalfee'],
  ['no services', { services: [] }, '#/services'],
  ['an array body', [], '#'],
] as const) {
  t.test(`a patch with ${name} is 400 and changes nothing`, async (t) => {
    const order = await anExistingOrder();
    const res = await api.patch<Schemas['ValidationProblem']>(`/orders/${order.id}`, patch);
    t.equal(res.status, 400);
    t.ok(
      res.body.errors.some((e) => e.pointer === pointer),
      pointer,
    );
    t.same((await api.get(`/orders/${order.id}`)).body, order);
  });
}

for (const type of ['application/json', 'text/plain', 'application/json-patch+json']) {
  t.test(`PATCH with Content-Type ${type} is 415`, async (t) => {
    const order = await anExistingOrder();
    const res = await api.request({
      method: 'PATCH',
      url: `/orders/${order.id}`,
      headers: { 'content-type': type },
      payload: JSON.stringify({ totalfee: 1 }),
    });
    t.equal(res.status, 415);
    t.equal(res.body.type, '/problems/unsupported-media-type');
    t.equal(res.body.detail, `Send the body as application/merge-patch+json, not ${type}.`);
    t.same((await api.get(`/orders/${order.id}`)).body, order);
  });
}

t.test('PATCH without a Content-Type is 415 naming the type to send', async (t) => {
  const order = await anExistingOrder();
  const res = await api.request({ method: 'PATCH', url: `/orders/${order.id}`, payload: '{"totalfee": 1}' });
  t.equal(res.status, 415);
  t.equal(res.body.detail, 'Send the body as application/merge-patch+json, with a Content-Type header.');
});

t.test('a merge patch body on POST or PUT is 415: they take application/json', async (t) => {
  const order = await anExistingOrder();
  for (const [method, url] of [
    ['POST', '/orders'],
    ['PUT', `/orders/${order.id}`],
  ] as const) {
    const res = await api.request({
      method,
      url,
      headers: { 'content-type': 'application/merge-patch+json' },
      payload: JSON.stringify(anOrder()),
    });
    t.equal(res.status, 415, method);
  }
});

t.test('PATCH of an unknown order is 404; a malformed id is 400', async (t) => {
  t.equal((await api.patch('/orders/999999', { totalfee: 1 })).status, 404);
  t.equal((await api.patch('/orders/x1', { totalfee: 1 })).status, 400);
});

t.test('malformed merge patch JSON is 400', async (t) => {
  const order = await anExistingOrder();
  const res = await api.request({
    method: 'PATCH',
    url: `/orders/${order.id}`,
    headers: { 'content-type': 'application/merge-patch+json' },
    payload: '{"totalfee": ',
  });
  t.equal(res.status, 400);
});

t.test('two patches racing to move different orders into one slot: one 200, one 409', async (t) => {
  const day = freeSlot();
  const a = await anExistingOrder({ datetime: at(day, 0) });
  const b = await anExistingOrder({ datetime: at(day, 12 * HOUR) });
  const responses = await Promise.all([
    api.patch(`/orders/${a.id}`, { datetime: at(day, 6 * HOUR) }),
    api.patch(`/orders/${b.id}`, { datetime: at(day, 7 * HOUR) }),
  ]);
  t.same(responses.map((r) => r.status).sort(), [200, 409]);
});
