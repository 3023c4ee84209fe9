// The 3-hour rule at its exact boundaries: orders conflict when they are
// less than 3 hours apart; exactly 3 hours apart is allowed.
import t from 'tap';
import { buildTestApi, type Schemas } from './helpers/api.js';
import { anOrder, at, freeSlot, THREE_HOURS } from './helpers/fixtures.js';

const api = await buildTestApi(t);

/** A fresh slot with one order booked at its start. */
async function bookedSlot(): Promise<{ slot: Date; id: string }> {
  const slot = freeSlot();
  const res = await api.post('/orders', anOrder({ datetime: slot.toISOString() }));
  if (res.status !== 201) throw new Error(`setup failed: ${res.status}`);
  return { slot, id: res.body.id };
}

for (const [name, offset] of [
  ['after', THREE_HOURS],
  ['before', -THREE_HOURS],
] as const) {
  t.test(`an order exactly 3 hours ${name} another is accepted`, async (t) => {
    const { slot } = await bookedSlot();
    const res = await api.post('/orders', anOrder({ datetime: at(slot, offset) }));
    t.equal(res.status, 201);
  });

  t.test(`an order 3 hours minus 1 ms ${name} another is a 409 naming it`, async (t) => {
    const { slot, id } = await bookedSlot();
    const datetime = at(slot, offset - Math.sign(offset));
    const res = await api.post('/orders', anOrder({ datetime }));
    t.equal(res.status, 409);
    t.equal(res.body.type, '/problems/order-conflict');
    t.same(res.body.conflictingOrderIds, [id]);
    t.match(res.body.detail, datetime);
  });
}

t.test('an order at the same instant is a conflict', async (t) => {
  const { slot, id } = await bookedSlot();
  const res = await api.post('/orders', anOrder({ datetime: slot.toISOString() }));
  t.equal(res.status, 409);
  t.same(res.body.conflictingOrderIds, [id]);
});

t.test('offsets name instants: +05:30 and Z for the same instant conflict', async (t) => {
  const { slot, id } = await bookedSlot();
  const sameInstant = slot.toISOString().replace('T00:00:00.000Z', 'T05:30:00.000+05:30');
  const res = await api.post('/orders', anOrder({ datetime: sameInstant }));
  t.equal(res.status, 409);
  t.same(res.body.conflictingOrderIds, [id]);
});

t.test('offsets are applied at the boundary: exactly 3 hours later, written in -02:00', async (t) => {
  const { slot } = await bookedSlot();
  // slot + 3h is 01:00 on the previous day's clock at -02:00.
  const threeHoursLater = new Date(slot.getTime() + THREE_HOURS - 2 * 3_600_000).toISOString().replace('Z', '-02:00');
  const res = await api.post('/orders', anOrder({ datetime: threeHoursLater }));
  t.equal(res.status, 201);
  t.equal(res.body.datetime, at(slot, THREE_HOURS));
});

t.test('sub-millisecond input is truncated before the rule is applied', async (t) => {
  const { slot } = await bookedSlot();
  // 2:59:59.9999 after the order truncates to 2:59:59.999: still a conflict.
  const almost = at(slot, THREE_HOURS - 1).replace('Z', '9Z');
  t.equal((await api.post('/orders', anOrder({ datetime: almost }))).status, 409);
  // 3:00:00.0009 truncates to exactly 3 hours: allowed (PostgreSQL alone would round it to .001).
  const exactly = at(slot, THREE_HOURS).replace('.000Z', '.0009Z');
  const res = await api.post('/orders', anOrder({ datetime: exactly }));
  t.equal(res.status, 201);
  t.equal(res.body.datetime, at(slot, THREE_HOURS));
});

t.test('an order between two others lists both in conflictingOrderIds, earliest first', async (t) => {
  const { slot, id: first } = await bookedSlot();
  const second = (await api.post('/orders', anOrder({ datetime: at(slot, 4 * 3_600_000) }))).body.id;
  const res = await api.post('/orders', anOrder({ datetime: at(slot, 2 * 3_600_000) }));
  t.equal(res.status, 409);
  t.same(res.body.conflictingOrderIds, [first, second]);
});

t.test('a conflicting create is a 409 and stores nothing', async (t) => {
  const { slot, id } = await bookedSlot();
  const res = await api.post<Schemas['OrderConflictProblem']>('/orders', anOrder({ datetime: at(slot, 60_000) }));
  t.equal(res.status, 409);
  t.equal(res.body.type, '/problems/order-conflict');
  const list = await api.get<Schemas['OrderPage']>(
    `/orders?from=${encodeURIComponent(slot.toISOString())}&to=${encodeURIComponent(at(slot, THREE_HOURS))}`,
  );
  t.same(
    list.body.data.map((o) => o.id),
    [id],
    'only the order booked before',
  );
});

t.test('a PUT that keeps its datetime never conflicts with the order itself', async (t) => {
  const { slot, id } = await bookedSlot();
  const res = await api.put(`/orders/${id}`, anOrder({ datetime: slot.toISOString(), totalfee: 1 }));
  t.equal(res.status, 200);
  t.equal(res.body.totalfee, 1);
});

t.test('a PUT may move an order by less than 3 hours from where it was', async (t) => {
  const { slot, id } = await bookedSlot();
  const res = await api.put(`/orders/${id}`, anOrder({ datetime: at(slot, 3_600_000) }));
  t.equal(res.status, 200);
  t.equal(res.body.datetime, at(slot, 3_600_000));
});

t.test("a PUT into another order's 3 hours is a 409 and changes nothing", async (t) => {
  const { slot, id: first } = await bookedSlot();
  const second = (await api.post('/orders', anOrder({ datetime: at(slot, THREE_HOURS) }))).body;
  const res = await api.put(`/orders/${second.id}`, anOrder({ datetime: at(slot, THREE_HOURS - 1) }));
  t.equal(res.status, 409);
  t.same(res.body.conflictingOrderIds, [first]);
  t.same((await api.get(`/orders/${second.id}`)).body, second);
});

t.test('the rule is global: the sample orders block their slots for everyone', async (t) => {
  const res = await api.post('/orders', anOrder({ datetime: '2022-11-01T13:00:00Z' }));
  t.equal(res.status, 409);
  t.same(res.body.conflictingOrderIds, ['223', '224']);
});

t.test('a deleted order no longer blocks its slot', async (t) => {
  const { slot, id } = await bookedSlot();
  t.equal((await api.delete(`/orders/${id}`)).status, 204);
  t.equal((await api.post('/orders', anOrder({ datetime: at(slot, 1) }))).status, 201);
});
