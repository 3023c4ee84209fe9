// The event feed: every change that commits writes exactly one event in its
// own transaction, with the object as the API shows it; a failed request
// or an idempotent replay writes none. GET /events pages, filters, and
// refuses bad input with a 400 naming the parameter.
import t from 'tap';
import { buildApp } from '../src/app.js';
import { apiFor, buildTestApi, type Schemas } from './helpers/api.js';
import { drain, feedEnd, waitForEvents } from './helpers/events.js';
import { anOrder, freeSlot, HOUR } from './helpers/fixtures.js';

const api = await buildTestApi(t);

/** The events of changes made by `act`, once they can be handed out. */
async function eventsOf(count: number, act: () => Promise<unknown>) {
  const before = await feedEnd(api);
  await act();
  const events = await waitForEvents(api, before, count);
  // Nothing else follows: exactly `count`.
  t.equal((await drain(api, before)).events.length, events.length);
  return events;
}

t.test('an order’s life: created, updated twice, deleted; each one event with version and ETag', async (t) => {
  let created!: Awaited<ReturnType<typeof api.post<Schemas['Order']>>>;
  const [createdEvent] = await eventsOf(1, async () => {
    created = await api.post<Schemas['Order']>('/orders', anOrder());
  });
  t.equal(created.status, 201);
  t.match(createdEvent, {
    type: 'order.created',
    data: { object: created.body, version: 1, etag: created.headers.etag },
  });
  t.equal(createdEvent!.occurredAt, created.body.updatedAt);

  const id = created.body.id;
  const slot = freeSlot();
  const events = await eventsOf(2, async () => {
    const put = await api.put(`/orders/${id}`, anOrder({ datetime: slot.toISOString() }));
    t.equal(put.status, 200);
    const patch = await api.patch(`/orders/${id}`, { totalfee: 12.5 }, { 'if-match': put.headers.etag as string });
    t.equal(patch.status, 200);
  });
  const read = await api.get<Schemas['Order']>(`/orders/${id}`);
  const current = read.body;
  t.equal((events[1]!.data as Schemas['OrderEventData']).etag, read.headers.etag, 'the ETag a GET gives');
  t.same(
    events.map((e) => [e.type, 'version' in e.data ? e.data.version : undefined]),
    [
      ['order.updated', 2],
      ['order.updated', 3],
    ],
  );
  t.same(events[1]!.data.object, current);

  const [deleted] = await eventsOf(1, async () => t.equal((await api.delete(`/orders/${id}`)).status, 204));
  t.match(deleted, { type: 'order.deleted', data: { object: current, version: 4 } });
  const lastEtag = (await api.get(`/orders/${id}`)).headers.etag;
  t.equal(lastEtag, undefined, 'gone');
  t.equal((deleted!.data as Schemas['OrderEventData']).etag, (events[1]!.data as Schemas['OrderEventData']).etag);
});

t.test('a service’s life: created, renamed, deleted', async (t) => {
  let id = '';
  const events = await eventsOf(3, async () => {
    id = (await api.post<Schemas['Service']>('/services', { name: 'Calibration' })).body.id;
    t.equal((await api.put(`/services/${id}`, { name: 'Calibration on site' })).status, 200);
    t.equal((await api.delete(`/services/${id}`)).status, 204);
  });
  t.same(
    events.map((e) => [e.type, e.data.object]),
    [
      ['service.created', { id, name: 'Calibration' }],
      ['service.updated', { id, name: 'Calibration on site' }],
      ['service.deleted', { id, name: 'Calibration on site' }],
    ],
  );
});

t.test('requests that fail, and idempotent replays, write no event', async (t) => {
  const order = (await api.post<Schemas['Order']>('/orders', anOrder())).body;
  const keyed = anOrder();
  const first = await api.post('/orders', keyed, { 'idempotency-key': 'events-replay-1' });
  t.equal(first.status, 201);
  await waitForEvents(api, await feedEnd(api), 0);
  const before = await feedEnd(api);
  const near = new Date(Date.parse(order.datetime) + HOUR).toISOString();
  const statuses = [
    (await api.post('/orders', anOrder({ datetime: near }))).status, // 409 conflict
    (await api.post('/orders', anOrder({ services: [{ id: '4040' }] }))).status, // 422
    (await api.post('/orders', { ...anOrder(), totalfee: -1 })).status, // 400
    (await api.put(`/orders/${order.id}`, anOrder(), { 'if-match': '"stale"' })).status, // 412
    (await api.patch('/orders/4040', { totalfee: 1 })).status, // 404
    (await api.delete('/orders/4040')).status, // 404
    (await api.post('/orders', keyed, { 'idempotency-key': 'events-replay-1' })).status, // replay
    (await api.put('/services/4040', { name: 'x' })).status, // 404
    (await api.delete('/services/123')).status, // 409 in use
    (await api.post('/services', { name: '' })).status, // 400
  ];
  t.same(statuses, [409, 422, 400, 412, 404, 404, 201, 404, 409, 400]);
  // A later change shows the feed has moved past them all: they wrote nothing.
  const witness = await api.post<Schemas['Service']>('/services', { name: 'Witness' });
  const after = await waitForEvents(api, before, 1);
  t.same(
    after.map((e) => e.data.object),
    [witness.body],
  );
});

t.test('pages: limit, nextCursor is the last event’s id, hasMore; the end returns the same cursor', async (t) => {
  const start = await feedEnd(api);
  for (const name of ['P1', 'P2', 'P3']) await api.post('/services', { name });
  await waitForEvents(api, start, 3);
  const first = await api.get<Schemas['EventPage']>(`/events?after=${start}&limit=2`);
  t.equal(first.body.data.length, 2);
  t.equal(first.body.hasMore, true);
  t.equal(first.body.nextCursor, first.body.data[1]!.id);
  const second = await api.get<Schemas['EventPage']>(`/events?after=${first.body.nextCursor}&limit=2`);
  t.same(
    second.body.data.map((e) => (e.data.object as Schemas['Service']).name),
    ['P3'],
  );
  t.equal(second.body.hasMore, false);
  const end = await api.get<Schemas['EventPage']>(`/events?after=${second.body.nextCursor}`);
  t.same(end.body, { data: [], nextCursor: second.body.nextCursor, hasMore: false });
  const all = await api.get<Schemas['EventPage']>('/events?limit=200');
  t.ok(all.body.data.length >= 3, 'without after, from the oldest event kept');
});

t.test('filters: types and orderId (one order’s history)', async (t) => {
  const start = await feedEnd(api);
  const a = (await api.post<Schemas['Order']>('/orders', anOrder())).body;
  const b = (await api.post<Schemas['Order']>('/orders', anOrder())).body;
  await api.patch(`/orders/${a.id}`, { totalfee: 1 });
  await api.delete(`/orders/${b.id}`);
  await waitForEvents(api, start, 4);
  const history = await drain(api, start, `orderId=${a.id}`);
  t.same(
    history.events.map((e) => e.type),
    ['order.created', 'order.updated'],
  );
  const deletes = await drain(api, start, 'types=order.deleted,service.deleted');
  t.same(
    deletes.events.map((e) => [e.type, e.data.object.id]),
    [['order.deleted', b.id]],
  );
});

t.test('bad input is a 400 naming the parameter', async (t) => {
  const cases: [string, string][] = [
    ['/events?after=bm90LWEtY3Vyc29y', '#/after'],
    ['/events?after=ZXYxLjc0Mi4xMDAw%3D', '#/after'],
    ['/events?types=order.created,order.exploded', '#/types'],
    ['/events?orderId=12x', '#/orderId'],
    ['/events?limit=0', '#/limit'],
    ['/events?limit=201', '#/limit'],
  ];
  for (const [url, pointer] of cases) {
    const res = await api.get(url);
    t.equal(res.status, 400, url);
    t.match(res.headers['content-type'], /^application\/problem\+json/, url);
    t.ok(
      res.body.errors.some((e: { pointer: string }) => e.pointer === pointer),
      `${url} names ${pointer}`,
    );
  }
});

t.test('a read key may read the feed; a missing key is 401', async (t) => {
  const keys = [{ token: 'events-read-key-0123456789', scope: 'read' as const }];
  const app = await buildApp({ database: api.database, apiKeys: keys });
  t.teardown(() => app.close());
  const keyed = await apiFor(app, api.database);
  t.equal((await keyed.get('/events', { authorization: `Bearer ${keys[0]!.token}` })).status, 200);
  t.equal((await keyed.get('/events')).status, 401);
});
