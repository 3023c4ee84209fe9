// Retention: events older than EVENT_RETENTION_DAYS are purged, oldest
// first; a cursor before what is kept is a 410 problem naming where the
// feed now begins, from which the feed continues; without a cursor the feed
// starts at the oldest event kept; the stream refuses such a cursor too.
import { sql } from 'drizzle-orm';
import t from 'tap';
import { purgeEvents } from '../src/events/retention.js';
import { buildTestApi, type Schemas } from './helpers/api.js';
import { drain, feedEnd, waitForEvents } from './helpers/events.js';

const api = await buildTestApi(t);
const { db } = api.database;

t.test('old events are purged; an older cursor is 410 with feedStart, which continues the feed', async (t) => {
  const start = await feedEnd(api);
  for (const name of ['Old 1', 'Old 2', 'Old 3', 'New 1']) await api.post('/services', { name });
  const events = await waitForEvents(api, start, 4);
  t.equal(events.length, 4);
  // The first three happened 31 days ago.
  const old = events.slice(0, 3).map((e) => (e.data.object as Schemas['Service']).name);
  await db.execute(
    sql`update events set occurred_at = now() - interval '31 days' where data->'object'->>'name' in (${sql.join(old, sql`, `)})`,
  );

  t.equal(await purgeEvents(db, 30, 2), 3, 'the three older than 30 days, in batches of two');
  t.equal(await purgeEvents(db, 30), 0, 'and nothing more');

  const gone = await api.get<Schemas['EventsPurgedProblem']>(`/events?after=${events[0]!.id}`);
  t.equal(gone.status, 410);
  t.equal(gone.body.type, '/problems/events-purged');
  t.equal(gone.body.feedStart, events[2]!.id, 'the feed begins after the last purged event');
  t.equal((await api.get(`/events?after=${start}`)).status, 410, 'a cursor from before them too');

  const resumed = await drain(api, gone.body.feedStart);
  t.same(
    resumed.events.map((e) => e.id),
    [events[3]!.id],
  );
  t.equal((await api.get(`/events?after=${events[2]!.id}`)).status, 200, 'the last purged position itself is fine');
  const fromTheStart = await drain(api);
  t.equal(fromTheStart.events[0]?.id, events[3]!.id, 'without a cursor: the oldest event kept');
});

t.test('a purge keeps everything from the first young event on, even older ones after it', async (t) => {
  const start = await feedEnd(api);
  for (const name of ['Young', 'Backdated']) await api.post('/services', { name });
  const events = await waitForEvents(api, start, 2);
  await db.execute(
    sql`update events set occurred_at = now() - interval '40 days' where data->'object'->>'name' = 'Backdated'`,
  );
  const before = (await drain(api)).events.length;
  t.equal(
    await purgeEvents(db, 30),
    0,
    'only a prefix of the feed is purged: the feed start never jumps an event kept',
  );
  t.equal((await drain(api)).events.length, before);
  t.equal((await api.get(`/events?after=${events[0]!.id}`)).status, 200);
});

t.test('the app purges in the background at start', async (t) => {
  const start = await feedEnd(api);
  await api.post('/services', { name: 'Purged at start' });
  const [event] = await waitForEvents(api, start, 1);
  await db.execute(sql`update events set occurred_at = now() - interval '3 days'`);
  const { buildApp } = await import('../src/app.js');
  const app = await buildApp({ database: api.database, events: { retentionDays: 2 } });
  t.teardown(() => app.close());
  await app.ready();
  const deadline = Date.now() + 30_000;
  let status = 200;
  while (status !== 410 && Date.now() < deadline) {
    status = (await app.inject({ url: `/events?after=${start}` })).statusCode;
    if (status !== 410) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  t.equal(status, 410, `purged: ${event!.id} and all before it`);
});
