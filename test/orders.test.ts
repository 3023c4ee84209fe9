// Creating, reading, listing, replacing and deleting orders through HTTP.
import t from 'tap';
import { type ApiResponse, buildTestApi, type Schemas } from './helpers/api.js';
import { anOrder, at, freeSlot, HOUR } from './helpers/fixtures.js';

const api = await buildTestApi(t);

/** Resolves once this machine's clock (the database's too) is past `instant` by a whole millisecond. */
async function clockPast(instant: string): Promise<void> {
  for (const deadline = Date.now() + 5_000; Date.now() <= Date.parse(instant) + 1; ) {
    if (Date.now() > deadline) throw new Error(`the clock did not pass ${instant}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

t.test('a fresh database holds the three sample orders, 3 hours apart', async (t) => {
  const res = await api.get<Schemas['OrderPage']>('/orders?to=2022-11-02T00:00:00Z');
  t.equal(res.status, 200);
  t.same(
    res.body.data.map((o) => [o.id, o.datetime, o.totalfee, o.services]),
    [
      ['223', '2022-11-01T11:11:11.111Z', 100, [{ id: '123', name: 'Inspection' }]],
      ['224', '2022-11-01T14:11:11.111Z', 100, [{ id: '789', name: 'Testing' }]],
      ['225', '2022-11-01T17:11:11.111Z', 100, [{ id: '456', name: 'Analysis' }]],
    ],
  );
});

t.test('POST /orders creates an order, answers 201 with Location, and GET returns it', async (t) => {
  const body = anOrder({ totalfee: 250.5, services: [{ id: '789' }, { id: '123' }] });
  const created = await api.post('/orders', body);
  t.equal(created.status, 201);
  t.match(created.body.id, /^[1-9][0-9]*$/);
  t.ok(Number(created.body.id) >= 1000, 'server-assigned ids never collide with the sample ids');
  t.equal(created.headers.location, `/orders/${created.body.id}`);
  t.equal(created.body.datetime, body.datetime);
  t.equal(created.body.totalfee, 250.5);
  t.same(
    created.body.services,
    [
      { id: '789', name: 'Testing' },
      { id: '123', name: 'Inspection' },
    ],
    'services come back in the order given, with their names',
  );
  t.equal(created.body.createdAt, created.body.updatedAt);

  const fetched = await api.get(created.headers.location as string);
  t.equal(fetched.status, 200);
  t.same(fetched.body, created.body);
});

t.test('datetimes are stored as the instant named, in UTC with milliseconds', async (t) => {
  const slot = freeSlot();
  const res = await api.post(
    '/orders',
    anOrder({ datetime: slot.toISOString().replace('T00:00:00.000Z', 'T05:30:00+05:30') }),
  );
  t.equal(res.status, 201);
  t.equal(res.body.datetime, slot.toISOString());
});

t.test('sub-millisecond digits are truncated, never rounded', async (t) => {
  const slot = freeSlot();
  const res = await api.post('/orders', anOrder({ datetime: slot.toISOString().replace('.000Z', '.1119999Z') }));
  t.equal(res.status, 201);
  t.equal(res.body.datetime, at(slot, 111));
});

t.test('totalfee keeps two decimal places exactly, from 0 to 1,000,000,000', async (t) => {
  for (const totalfee of [0, 0.07, 19.99, 999999999.99, 1000000000]) {
    const res = await api.post('/orders', anOrder({ totalfee }));
    t.equal(res.status, 201, `${totalfee} is accepted`);
    t.equal((await api.get(`/orders/${res.body.id}`)).body.totalfee, totalfee, `${totalfee} round-trips`);
  }
});

t.test('PUT replaces every field, keeps createdAt and moves updatedAt forward', async (t) => {
  const created = (await api.post<Schemas['Order']>('/orders', anOrder())).body;
  // Times are kept to the millisecond: let the clock pass the creation's
  // millisecond (bounded), so the change has a later one to be stamped with.
  await clockPast(created.updatedAt);
  const replacement = anOrder({ totalfee: 75, services: [{ id: '456' }] });
  const res = await api.put<Schemas['Order']>(`/orders/${created.id}`, replacement);
  t.equal(res.status, 200);
  t.equal(res.body.id, created.id);
  t.equal(res.body.datetime, replacement.datetime);
  t.equal(res.body.totalfee, 75);
  t.same(res.body.services, [{ id: '456', name: 'Analysis' }]);
  t.equal(res.body.createdAt, created.createdAt);
  t.ok(
    Date.parse(res.body.updatedAt) > Date.parse(created.updatedAt),
    `updatedAt ${res.body.updatedAt} is later than ${created.updatedAt}`,
  );
  t.same((await api.get(`/orders/${created.id}`)).body, res.body);
});

t.test('PUT of an unknown order is 404 and creates nothing', async (t) => {
  const body = anOrder();
  const res = await api.put('/orders/999999', body);
  t.equal(res.status, 404);
  t.equal(res.body.type, '/problems/not-found');
  const list = await api.get(`/orders?from=${encodeURIComponent(body.datetime)}&limit=1`);
  t.not(list.body.data[0]?.datetime, body.datetime);
});

t.test('DELETE removes the order for good and frees its slot', async (t) => {
  const body = anOrder();
  const created = (await api.post('/orders', body)).body;
  const res = await api.delete(`/orders/${created.id}`);
  t.equal(res.status, 204);
  t.equal(res.text, '');
  t.equal((await api.get(`/orders/${created.id}`)).status, 404);
  t.equal((await api.delete(`/orders/${created.id}`)).status, 404);
  t.equal((await api.post('/orders', body)).status, 201, 'the slot can be booked again');
});

t.test('GET of an unknown order is a 404 problem', async (t) => {
  const res = await api.get('/orders/0');
  t.equal(res.status, 404);
  t.match(res.body, { type: '/problems/not-found', status: 404, detail: 'Order 0 does not exist.' });
});

t.test('GET /orders pages through orders by datetime, then id, with an opaque cursor', async (t) => {
  const day = freeSlot();
  const ids: string[] = [];
  for (const hours of [9, 0, 3, 6, 12]) {
    ids[hours / 3] = (await api.post('/orders', anOrder({ datetime: at(day, hours * HOUR) }))).body.id;
  }
  const range = `from=${encodeURIComponent(day.toISOString())}&to=${encodeURIComponent(at(day, 24 * HOUR))}`;
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res: ApiResponse<Schemas['OrderPage']> = await api.get(
      `/orders?${range}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
    );
    t.equal(res.status, 200);
    t.ok(res.body.data.length <= 2);
    seen.push(...res.body.data.map((o) => o.id));
    cursor = res.body.nextCursor;
    pages++;
  } while (cursor);
  t.same(seen, ids, 'every order once, in datetime order');
  t.equal(pages, 3);
});

t.test('a cursor keeps the range of its first page; the range may be sent again but not changed', async (t) => {
  const day = freeSlot();
  for (const hours of [0, 3, 6]) await api.post('/orders', anOrder({ datetime: at(day, hours * HOUR) }));
  await api.post('/orders', anOrder({ datetime: at(day, 12 * HOUR) })); // outside the range below
  const from = encodeURIComponent(day.toISOString());
  const to = encodeURIComponent(at(day, 9 * HOUR));
  const first = await api.get<Schemas['OrderPage']>(`/orders?from=${from}&to=${to}&limit=2`);
  t.equal(first.body.data.length, 2);
  const onlyCursor = await api.get<Schemas['OrderPage']>(`/orders?limit=2&cursor=${first.body.nextCursor}`);
  t.same(
    onlyCursor.body.data.map((o) => o.datetime),
    [at(day, 6 * HOUR)],
    'still within to',
  );
  t.equal(onlyCursor.body.nextCursor, null);
  const again = await api.get(`/orders?from=${from}&to=${to}&limit=2&cursor=${first.body.nextCursor}`);
  t.same(again.body, onlyCursor.body, 'the same range sent again');
  const changed = await api.get<Schemas['ValidationProblem']>(
    `/orders?to=${encodeURIComponent(at(day, 24 * HOUR))}&limit=2&cursor=${first.body.nextCursor}`,
  );
  t.equal(changed.status, 400);
  t.same(
    changed.body.errors.map((e) => e.pointer),
    ['#/to'],
  );
});

t.test('from is inclusive and to is exclusive', async (t) => {
  const day = freeSlot();
  const first = (await api.post('/orders', anOrder({ datetime: at(day, 0) }))).body;
  await api.post('/orders', anOrder({ datetime: at(day, 3 * HOUR) }));
  const res = await api.get<Schemas['OrderPage']>(
    `/orders?from=${encodeURIComponent(at(day, 0))}&to=${encodeURIComponent(at(day, 3 * HOUR))}`,
  );
  t.same(
    res.body.data.map((o) => o.id),
    [first.id],
  );
  t.equal(res.body.nextCursor, null);
});

t.test('a filter with the same instant as from and to, in other offsets, finds nothing', async (t) => {
  const res = await api.get('/orders?from=2022-11-01T16:41:11.111%2B05:30&to=2022-11-01T11:11:11.111Z');
  t.equal(res.status, 200);
  t.same(res.body, { data: [], nextCursor: null });
});

t.test('the default page holds 50 orders and the last page has no cursor', async (t) => {
  const day = freeSlot();
  // 60 orders, 3 hours apart, across 8 days that no other test uses.
  for (let i = 1; i < 8; i++) freeSlot();
  await Promise.all(
    Array.from({ length: 60 }, (_, i) => api.post('/orders', anOrder({ datetime: at(day, i * 3 * HOUR) }))),
  );
  const range = `from=${encodeURIComponent(day.toISOString())}&to=${encodeURIComponent(at(day, 180 * HOUR))}`;
  const first = await api.get(`/orders?${range}`);
  t.equal(first.body.data.length, 50);
  t.type(first.body.nextCursor, 'string');
  const rest = await api.get(`/orders?cursor=${first.body.nextCursor}`);
  t.equal(rest.body.data.length, 10);
  t.equal(rest.body.nextCursor, null);
});

t.test('an order in the first centuries reads back in its own year, alone and in a page', async (t) => {
  // PostgreSQL sends such instants as "0049-05-01 12:00:00+00", which new Date() reads as 2049.
  const instants = ['0001-01-01T00:00:00.000Z', '0049-05-01T12:00:00.000Z', '0099-12-31T21:00:00.000Z'];
  for (const datetime of instants) {
    const created = await api.post<Schemas['Order']>('/orders', anOrder({ datetime }));
    t.equal(created.status, 201, datetime);
    const read = await api.get<Schemas['Order']>(`/orders/${created.body.id}`);
    t.equal(read.body.datetime, datetime, `GET /orders/{id} of ${datetime}`);
  }
  const page = await api.get<Schemas['OrderPage']>('/orders?from=0001-01-01T00:00:00Z&to=0100-01-01T00:00:00Z');
  t.same(
    page.body.data.map((o) => o.datetime),
    instants,
  );
});
