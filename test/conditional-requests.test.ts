// ETag, If-None-Match and If-Match: a client can cache an order and can
// change it only if nobody else has changed it meanwhile.
import t from 'tap';
import { buildTestApi } from './helpers/api.js';
import { anOrder } from './helpers/fixtures.js';

const api = await buildTestApi(t);

async function anExistingOrder() {
  const res = await api.post('/orders', anOrder());
  return { order: res.body, etag: res.headers.etag as string };
}

t.test('every single-order response carries a strong ETag, the same for the same state', async (t) => {
  const { order, etag } = await anExistingOrder();
  t.match(etag, /^"[A-Za-z0-9_-]{27}"$/);
  const got = await api.get(`/orders/${order.id}`);
  t.equal(got.headers.etag, etag);
  const replaced = await api.put(`/orders/${order.id}`, anOrder({ datetime: order.datetime, totalfee: 5 }));
  t.not(replaced.headers.etag, etag, 'a change makes a new ETag');
  const patched = await api.patch(`/orders/${order.id}`, { totalfee: 6 });
  t.not(patched.headers.etag, replaced.headers.etag);
  t.equal((await api.get(`/orders/${order.id}`)).headers.etag, patched.headers.etag);
});

t.test("renaming a booked service changes the order's ETag", async (t) => {
  const service = (await api.post('/services', { name: 'Before' })).body;
  const created = await api.post('/orders', anOrder({ services: [{ id: service.id }] }));
  await api.put(`/services/${service.id}`, { name: 'After' });
  t.not((await api.get(`/orders/${created.body.id}`)).headers.etag, created.headers.etag);
});

t.test('GET with a matching If-None-Match is 304 without a body', async (t) => {
  const { order, etag } = await anExistingOrder();
  for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
    const res = await api.get(`/orders/${order.id}`, { 'if-none-match': header });
    t.equal(res.status, 304, header);
    t.equal(res.text, '');
    t.equal(res.headers.etag, etag);
  }
  const stale = await api.get(`/orders/${order.id}`, { 'if-none-match': '"stale"' });
  t.equal(stale.status, 200);
  t.equal(stale.body.id, order.id);
});

for (const [name, send] of [
  ['PUT', (id: string, h: Record<string, string>) => api.put(`/orders/${id}`, anOrder(), h)],
  ['PATCH', (id: string, h: Record<string, string>) => api.patch(`/orders/${id}`, { totalfee: 42 }, h)],
  ['DELETE', (id: string, h: Record<string, string>) => api.delete(`/orders/${id}`, h)],
] as const) {
  t.test(`${name} with a stale If-Match is 412 and changes nothing`, async (t) => {
    const { order } = await anExistingOrder();
    for (const stale of ['"stale"', `W/${(await api.get(`/orders/${order.id}`)).headers.etag}`]) {
      const res = await send(order.id, { 'if-match': stale });
      t.equal(res.status, 412, stale);
      t.equal(res.body.type, '/problems/precondition-failed');
    }
    t.same((await api.get(`/orders/${order.id}`)).body, order);
  });

  t.test(`${name} with the current ETag, a list holding it, or * succeeds`, async (t) => {
    for (const pick of [(etag: string) => etag, (etag: string) => `"other", ${etag}`, () => '*']) {
      const { order, etag } = await anExistingOrder();
      const res = await send(order.id, { 'if-match': pick(etag) });
      t.equal(res.status, name === 'DELETE' ? 204 : 200);
    }
  });

  t.test(`${name} with If-Match on an unknown order is 404`, async (t) => {
    t.equal((await send('999999', { 'if-match': '*' })).status, 404);
  });
}

t.test('two PUTs holding the same ETag at once: exactly one 200 and one 412', async (t) => {
  const { order, etag } = await anExistingOrder();
  const responses = await Promise.all([
    api.put(`/orders/${order.id}`, anOrder({ datetime: order.datetime, totalfee: 1 }), { 'if-match': etag }),
    api.put(`/orders/${order.id}`, anOrder({ datetime: order.datetime, totalfee: 2 }), { 'if-match': etag }),
  ]);
  t.same(responses.map((r) => r.status).sort(), [200, 412]);
  const winner = responses.find((r) => r.status === 200)!;
  t.same((await api.get(`/orders/${order.id}`)).body, winner.body, "the winner's change stands");
});

t.test('a PATCH and a DELETE holding the same ETag at once: exactly one wins', async (t) => {
  const { order, etag } = await anExistingOrder();
  const responses = await Promise.all([
    api.patch(`/orders/${order.id}`, { totalfee: 3 }, { 'if-match': etag }),
    api.delete(`/orders/${order.id}`, { 'if-match': etag }),
  ]);
  // Either the PATCH wins and the DELETE's ETag is stale, or the DELETE
  // wins and the PATCH finds no order.
  const statuses = responses.map((r) => r.status).join(',');
  t.ok(statuses === '200,412' || statuses === '404,204', statuses);
});
