// GET /events/stream over a real socket: events arrive live as SSE frames;
// a reconnect with Last-Event-ID (or ?after=) resumes exactly after the
// last event received, nothing skipped or twice; filters; a heartbeat; the
// handler deadline does not cut a stream; bounds per process and per key;
// a read key may subscribe; a slow subscriber is disconnected; closing the
// app ends the streams.

import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { openDatabase } from '../src/db/client.js';
import { apiFor, type Schemas } from './helpers/api.js';
import { createTestDatabase, databaseKind, freshDatabase } from './helpers/database.js';
import { feedEnd } from './helpers/events.js';
import { anOrder } from './helpers/fixtures.js';
import { type EventStream, openStream } from './helpers/sse.js';

const database = await freshDatabase(t);
const HEARTBEAT_MS = 150;
const DEADLINE_MS = 300;

/**
 * The app listening on a free port and, for the one app the test writes
 * through, its way in (through Prism in a Prism run: that listens too).
 * The others take no writes: a Prism each would only slow the run.
 */
async function listening(options: Parameters<typeof buildApp>[0], { writes = false } = {}) {
  const app = await buildApp(options);
  t.teardown(() => app.close());
  const api = writes ? await apiFor(app, options.database) : undefined;
  if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { app, api, url: `http://127.0.0.1:${port}` };
}

const main = await listening(
  {
    database,
    http: { handlerTimeoutMs: DEADLINE_MS },
    events: { heartbeatMs: HEARTBEAT_MS, streamsMax: 20, streamsPerKeyMax: 20 },
  },
  { writes: true },
);
const { url } = main;
const api = main.api!;

const connected = async (path: string, headers?: Record<string, string>) => {
  const stream = await openStream(url, path, headers);
  t.teardown(() => stream.close());
  if (stream.status === 200) await stream.until(() => stream.comments.includes('connected'), 'connected');
  return stream;
};
const objectIds = (stream: EventStream) =>
  stream.events.map((e) => (JSON.parse(e.data) as Schemas['Event']).data.object.id);

t.test('events arrive live as id / event / data frames, each the event as GET /events shows it', async (t) => {
  const stream = await connected('/events/stream');
  t.equal(stream.status, 200);
  t.match(stream.headers['content-type'], /^text\/event-stream/);
  t.equal(stream.headers['cache-control'], 'no-store');
  t.ok(stream.headers['x-request-id']);
  const before = await feedEnd(api);
  const created = await api.post<Schemas['Order']>('/orders', anOrder());
  await stream.until(() => stream.events.length === 1, 'the event');
  const [frame] = stream.events;
  const fromFeed = (await api.get<Schemas['EventPage']>(`/events?after=${before}`)).body.data[0]!;
  t.same(JSON.parse(frame!.data), fromFeed);
  t.equal(frame!.id, fromFeed.id);
  t.equal(frame!.event, 'order.created');
  t.equal(fromFeed.data.object.id, created.body.id);
});

t.test('a reconnect with Last-Event-ID, or ?after=, resumes exactly after the last event received', async (t) => {
  const start = await feedEnd(api);
  const first = await connected(`/events/stream?after=${start}`);
  const names = Array.from({ length: 6 }, (_, i) => `Resume ${i}`);
  const ids: string[] = [];
  for (const name of names.slice(0, 3)) ids.push((await api.post<Schemas['Service']>('/services', { name })).body.id);
  await first.until(() => first.events.length === 3, 'three events');
  first.close();
  for (const name of names.slice(3)) ids.push((await api.post<Schemas['Service']>('/services', { name })).body.id);

  const resumed = await connected('/events/stream', { 'last-event-id': first.events[2]!.id });
  await resumed.until(() => resumed.events.length >= 3, 'the three missed');
  const more = (await api.post<Schemas['Service']>('/services', { name: 'Resume live' })).body.id;
  await resumed.until(() => resumed.events.length >= 4, 'the live one');
  t.same(objectIds(first), ids.slice(0, 3));
  t.same(objectIds(resumed), [...ids.slice(3), more], 'the missed ones, then live: none skipped, none twice');

  const byQuery = await connected(`/events/stream?after=${first.events[1]!.id}`);
  await byQuery.until(() => byQuery.events.length >= 5, 'all after the second');
  t.same(objectIds(byQuery), [ids[2], ...ids.slice(3), more]);
});

t.test('filters: types and orderId', async (t) => {
  const deletes = await connected('/events/stream?types=order.deleted');
  const order = (await api.post<Schemas['Order']>('/orders', anOrder())).body;
  const history = await connected(`/events/stream?orderId=${order.id}&after=${await feedEnd(api)}`);
  await api.post('/orders', anOrder());
  await api.patch(`/orders/${order.id}`, { totalfee: 3 });
  await api.delete(`/orders/${order.id}`);
  await deletes.until(() => deletes.events.length === 1, 'the delete');
  await history.until(() => history.events.length === 2, 'the order’s two later events');
  t.same(
    deletes.events.map((e) => e.event),
    ['order.deleted'],
  );
  t.same(
    history.events.map((e) => e.event),
    ['order.updated', 'order.deleted'],
  );
});

t.test(
  'a heartbeat comment comes every EVENT_HEARTBEAT_MS, and the handler deadline does not cut the stream',
  async (t) => {
    const stream = await connected('/events/stream');
    const opened = Date.now();
    // Well past the deadline: several heartbeats, then an event still arrives.
    await stream.until(() => stream.comments.filter((c) => c === 'heartbeat').length >= 4, 'four heartbeats');
    t.ok(Date.now() - opened > DEADLINE_MS, 'open longer than the handler deadline');
    t.notOk(stream.ended);
    await api.post('/services', { name: 'After the deadline' });
    await stream.until(() => stream.events.length === 1, 'an event after the deadline');
    t.equal(stream.events[0]!.event, 'service.created');
  },
);

t.test('bad input is a 400 problem before the stream begins', async (t) => {
  for (const [path, headers, pointer] of [
    ['/events/stream?after=bm9wZQ', {}, '#/after'],
    ['/events/stream?types=order.nope', {}, '#/types'],
    ['/events/stream', { 'last-event-id': 'bm9wZQ' }, '#/last-event-id'],
  ] as const) {
    const res = await openStream(url, path, headers);
    await res.until(() => res.ended, 'the problem');
    t.equal(res.status, 400, path);
    t.match(res.headers['content-type'], /^application\/problem\+json/);
    t.ok(
      (JSON.parse(res.body) as Schemas['ValidationProblem']).errors.some((e) => e.pointer === pointer),
      pointer,
    );
  }
});

t.test('bounds: EVENT_STREAMS_MAX per process (503), per key (429); a read key may subscribe', async (t) => {
  const read = { token: 'stream-read-key-0123456789', scope: 'read' as const };
  const other = { token: 'stream-other-key-0123456789', scope: 'read' as const };
  const bounded = await listening({ database, apiKeys: [read, other], events: { streamsMax: 3, streamsPerKeyMax: 2 } });
  const as = (key: typeof read) => ({ authorization: `Bearer ${key.token}` });
  const open = async (key: typeof read) => {
    const stream = await openStream(bounded.url, '/events/stream', as(key));
    t.teardown(() => stream.close());
    return stream;
  };
  t.equal((await openStream(bounded.url, '/events/stream')).status, 401, 'no key');
  const [a, b] = [await open(read), await open(read)];
  t.same([a.status, b.status], [200, 200], 'a read key subscribes');
  const third = await open(read);
  await third.until(() => third.ended, 'the 429');
  t.equal(third.status, 429);
  t.ok(third.headers['retry-after']);
  t.equal(JSON.parse(third.body).type, '/problems/rate-limited');
  t.equal((await open(other)).status, 200, 'another key has room');
  const full = await open(other);
  await full.until(() => full.ended, 'the 503');
  t.equal(full.status, 503);
  t.equal(JSON.parse(full.body).type, '/problems/unavailable');
  a.close();
  await a.until(() => a.ended, 'closed');
  const deadline = Date.now() + 30_000;
  let again = await open(read);
  while (again.status !== 200 && Date.now() < deadline) again = await open(read);
  t.equal(again.status, 200, 'a closed stream frees its place');
});

t.test('a subscriber that stops reading is disconnected; the others get everything', async (t) => {
  const small = await listening({ database, events: { streamBufferBytes: 512 * 1024 } });
  const start = await feedEnd(api);
  const slow = await openStream(small.url, `/events/stream?after=${start}`);
  const fast = await openStream(small.url, `/events/stream?after=${start}`);
  t.teardown(() => slow.close());
  t.teardown(() => fast.close());
  await slow.until(() => slow.comments.includes('connected'), 'connected');
  await fast.until(() => fast.comments.includes('connected'), 'connected');
  slow.pause();
  // Many events at once, written straight into the outbox: far more than the socket buffers hold.
  const COUNT = 10_000;
  await database.db.execute(sql`with recorded as (
      insert into events (type, service_id, data)
      select 'service.created', g, jsonb_build_object('object', jsonb_build_object('id', g::text, 'name', repeat('n', 800)))
      from generate_series(1, ${COUNT}) g returning id)
    select pg_notify('order_service_events', '') from recorded limit 1`);
  await fast.until(() => fast.events.length === COUNT, `all ${COUNT} events`, 60_000);
  // It reads again: what was in flight, then the end. Not disconnected, it would get every event and stay open.
  slow.resume();
  await slow.until(() => slow.ended, 'the slow subscriber disconnected', 60_000);
  t.ok(slow.events.length < COUNT, `the slow one got ${slow.events.length} before it was cut`);
  t.same(objectIds(fast).slice(0, 3), ['1', '2', '3']);
});

t.test('closing the app ends its streams (the graceful shutdown does not wait for them)', async (t) => {
  const closing = await listening({ database });
  const stream = await openStream(closing.url, '/events/stream');
  await stream.until(() => stream.comments.includes('connected'), 'connected');
  await closing.app.close();
  await stream.until(() => stream.ended, 'the end of the stream', 10_000);
  t.ok(stream.ended);
});

if (databaseKind === 'postgres') {
  t.test('an event committed through one process reaches the subscribers of another (LISTEN/NOTIFY)', async (t) => {
    // Two service instances on one database, as two replicas would be: each its own pool and listener.
    const shared = await createTestDatabase();
    const [a, b] = [await openDatabase(shared.config), await openDatabase(shared.config)];
    const processA = await listening({ database: a });
    const processB = await listening({ database: b });
    t.teardown(async () => {
      await processA.app.close();
      await processB.app.close();
      await a.close();
      await b.close();
      await shared.drop();
    });
    const stream = await openStream(processB.url, '/events/stream');
    t.teardown(() => stream.close());
    await stream.until(() => stream.comments.includes('connected'), 'connected');
    // Straight into process A (a Prism run checks the other processes' answers elsewhere in this file).
    const created = await processA.app.inject({ method: 'POST', url: '/orders', payload: anOrder() });
    t.equal(created.statusCode, 201);
    await stream.until(() => stream.events.length === 1, 'the event from the other process');
    t.equal(objectIds(stream)[0], created.json().id);
  });
}
