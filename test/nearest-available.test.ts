// The order-conflict problem's nearestAvailable: the latest instant at or
// before the requested one and the earliest at or after it at which this
// order would fit, each exactly on the 3-hour boundary (a POST there is a
// 201), and null only past the years 0001–9999. For PUT and PATCH the order
// itself does not count. Each test takes its own day (orders 03:00–21:00).
import { sql } from 'drizzle-orm';
import t, { type Test } from 'tap';
import { buildTestApi } from './helpers/api.js';
import { anOrder, at, freeSlot, HOUR } from './helpers/fixtures.js';

const api = await buildTestApi(t);

async function book(datetime: string): Promise<string> {
  const res = await api.post('/orders', anOrder({ datetime }));
  if (res.status !== 201) throw new Error(`setup failed: ${res.status} ${res.text}`);
  return res.body.id;
}

/** POSTs at `datetime`, deletes it again, and gives the status of the POST. */
async function tryBooking(datetime: string): Promise<number> {
  const res = await api.post('/orders', anOrder({ datetime }));
  if (res.status === 201) await api.delete(`/orders/${res.body.id}`);
  return res.status;
}

/** Both answers are bookable and 1 ms further in is not. */
async function assertExact(t: Test, nearest: { before: string; after: string }) {
  t.equal(await tryBooking(nearest.before), 201, `before (${nearest.before}) is bookable`);
  t.equal(await tryBooking(nearest.after), 201, `after (${nearest.after}) is bookable`);
  t.equal(await tryBooking(at(new Date(nearest.before), 1)), 409, '1 ms after before is not');
  t.equal(await tryBooking(at(new Date(nearest.after), -1)), 409, '1 ms before after is not');
}

t.test('a POST conflict with one order: 3 hours either side of it', async (t) => {
  const day = freeSlot();
  const id = await book(at(day, 10 * HOUR));
  const res = await api.post('/orders', anOrder({ datetime: at(day, 11 * HOUR) }));
  t.equal(res.status, 409);
  t.same(res.body.conflictingOrderIds, [id]);
  t.same(res.body.nearestAvailable, { before: at(day, 7 * HOUR), after: at(day, 13 * HOUR) });
  await assertExact(t, res.body.nearestAvailable);
});

t.test('between two orders 4 hours apart there is no room: the nearest instants lie beyond them', async (t) => {
  const day = freeSlot();
  await book(at(day, 8 * HOUR));
  await book(at(day, 12 * HOUR));
  const res = await api.post('/orders', anOrder({ datetime: at(day, 10 * HOUR) }));
  t.equal(res.status, 409);
  t.same(res.body.nearestAvailable, { before: at(day, 5 * HOUR), after: at(day, 15 * HOUR) });
  await assertExact(t, res.body.nearestAvailable);
});

t.test('inside a run of back-to-back orders: the ends of the run, written at any offset', async (t) => {
  const day = freeSlot();
  for (const hour of [6, 9, 12, 15]) await book(at(day, hour * HOUR));
  const requested = new Date(day.getTime() + 10 * HOUR + 5.5 * HOUR).toISOString().replace('Z', '+05:30');
  const res = await api.post('/orders', anOrder({ datetime: requested }));
  t.equal(res.status, 409);
  t.same(res.body.nearestAvailable, { before: at(day, 3 * HOUR), after: at(day, 18 * HOUR) });
});

t.test('an order 6 hours or more from its neighbours has room exactly 3 hours past it', async (t) => {
  const day = freeSlot();
  await book(at(day, 6 * HOUR));
  await book(at(day, 9 * HOUR)); // no room between 6 and 9
  await book(at(day, 15 * HOUR)); // room at 12 exactly, a single instant
  const res = await api.post('/orders', anOrder({ datetime: at(day, 8 * HOUR) }));
  t.same(res.body.nearestAvailable, { before: at(day, 3 * HOUR), after: at(day, 12 * HOUR) });
  await assertExact(t, res.body.nearestAvailable);
});

for (const [method, send] of [
  ['PUT', (id: string, datetime: string) => api.put(`/orders/${id}`, anOrder({ datetime }))],
  ['PATCH', (id: string, datetime: string) => api.patch(`/orders/${id}`, { datetime })],
] as const) {
  t.test(`a ${method} conflict does not count the order being moved`, async (t) => {
    const day = freeSlot();
    await book(at(day, 8 * HOUR));
    const moving = await book(at(day, 12 * HOUR));
    const res = await send(moving, at(day, 9 * HOUR));
    t.equal(res.status, 409);
    // Counting the order at 12:00 would push `after` to 15:00.
    t.same(res.body.nearestAvailable, { before: at(day, 5 * HOUR), after: at(day, 11 * HOUR) });
    t.equal((await send(moving, res.body.nearestAvailable.after)).status, 200, 'the order moves to after');
    t.equal((await send(moving, res.body.nearestAvailable.before)).status, 200, 'and to before');
  });
}

t.test('before is null when the only free instants would be before the year 0001', async (t) => {
  await book('0001-01-01T01:00:00.000Z');
  const res = await api.post('/orders', anOrder({ datetime: '0001-01-01T00:00:00.000Z' }));
  t.equal(res.status, 409);
  t.same(res.body.nearestAvailable, { before: null, after: '0001-01-01T04:00:00.000Z' });
});

t.test('after is null when the only free instants would be after the year 9999', async (t) => {
  await book('9999-12-31T22:00:00.000Z');
  const res = await api.post('/orders', anOrder({ datetime: '9999-12-31T23:59:59.999Z' }));
  t.equal(res.status, 409);
  t.same(res.body.nearestAvailable, { before: '9999-12-31T19:00:00.000Z', after: null });
});

/** Books orders every 3 hours from `first` to `last` in one statement: a run too long to POST one by one. */
async function bookRun(first: Date, last: Date): Promise<void> {
  await api.database.db.execute(sql`
    with added as (
      insert into orders (datetime, totalfee)
      select g, 10 from generate_series(${first.toISOString()}::timestamptz, ${last.toISOString()}::timestamptz,
                                        interval '3 hours') as g
      returning id)
    insert into order_services (order_id, service_id, position) select id, 123, 0 from added`);
}

t.test('nearestAvailable looks 31 days each way: an answer exactly at the horizon, null past it', async (t) => {
  const requested = new Date(Date.UTC(2060, 0, 1));
  const horizon = requested.getTime() + 31 * 24 * HOUR;
  // Back to back from the requested instant to 3 hours before the horizon.
  await bookRun(requested, new Date(horizon - 3 * HOUR));
  const res = await api.post('/orders', anOrder({ datetime: requested.toISOString() }));
  t.equal(res.status, 409);
  t.same(res.body.nearestAvailable, { before: at(requested, -3 * HOUR), after: new Date(horizon).toISOString() });

  await book(new Date(horizon + 3 * HOUR - 1).toISOString());
  const past = await api.post('/orders', anOrder({ datetime: requested.toISOString() }));
  t.same(past.body.nearestAvailable, { before: at(requested, -3 * HOUR), after: null });
});

t.test('and the same looking back', async (t) => {
  const requested = new Date(Date.UTC(2070, 0, 1));
  const horizon = requested.getTime() - 31 * 24 * HOUR;
  await bookRun(new Date(horizon + 3 * HOUR), requested);
  const res = await api.post('/orders', anOrder({ datetime: requested.toISOString() }));
  t.same(res.body.nearestAvailable, { before: new Date(horizon).toISOString(), after: at(requested, 3 * HOUR) });

  await book(new Date(horizon - 3 * HOUR + 1).toISOString());
  const past = await api.post('/orders', anOrder({ datetime: requested.toISOString() }));
  t.same(past.body.nearestAvailable, { before: null, after: at(requested, 3 * HOUR) });
});
