// The feed never skips: no event can appear behind a cursor it handed out.
// A transaction that recorded an event is held open on purpose while a
// later change commits. On PostgreSQL the held transaction's event has the
// lower id, and the later one is committed and visible: a reader paging by
// "id > last" would take the later id as its cursor and never see the held
// event. The feed hands out neither until the held transaction ends, then
// both, in order. On PGlite (one connection, transactions take turns) the
// equivalent guarantee is that no read runs while a writing transaction is
// open: the read queued behind it answers only after it committed, and
// includes its event.
import { sql } from 'drizzle-orm';
import t from 'tap';
import { rowsOf } from '../src/db/client.js';
import { recordEvent, serviceEvent } from '../src/events/outbox.js';
import { buildTestApi, type Schemas } from './helpers/api.js';
import { databaseKind } from './helpers/database.js';
import { drain, feedEnd, waitForEvents } from './helpers/events.js';
import { anOrder } from './helpers/fixtures.js';

const api = await buildTestApi(t);
const { db } = api.database;

/** A transaction that records an event and stays open until `release()` (which commits, or rolls back). */
function holdOpenTransaction() {
  let release!: (outcome?: 'commit' | 'rollback') => void;
  let recorded!: () => void;
  const released = new Promise<'commit' | 'rollback'>(
    (resolve) => (release = (outcome = 'commit') => resolve(outcome)),
  );
  const inserted = new Promise<void>((resolve) => (recorded = resolve));
  const done = db.transaction(async (tx) => {
    await recordEvent(tx, serviceEvent('service.created', { id: 990_001n, name: 'Held open' }));
    recorded();
    if ((await released) === 'rollback') throw new Error('rolled back on purpose');
  });
  return { inserted, release, done };
}

const idsAfter = async (mark: bigint) =>
  (
    await rowsOf<{ id: string }>(
      db.execute(sql`select id::text as id from events where id > ${mark.toString()}::bigint order by id`),
    )
  ).map((r) => BigInt(r.id));
const maxId = async () =>
  BigInt((await rowsOf<{ id: string }>(db.execute(sql`select coalesce(max(id), 0)::text as id from events`)))[0]!.id);

if (databaseKind === 'postgres') {
  t.test('an event committed after a later one still appears after the cursor handed out meanwhile', async (t) => {
    const cursor = await feedEnd(api);
    const mark = await maxId();
    const held = holdOpenTransaction();
    await held.inserted;

    const later = await api.post<Schemas['Order']>('/orders', anOrder());
    t.equal(later.status, 201, 'a later change commits while the first transaction is open');
    const visible = await idsAfter(mark);
    t.equal(visible.length, 1, 'only the later event is committed and visible');
    t.ok(visible[0]! > mark + 1n, 'and the held event has the lower id: "id > last" would page past it');

    const meanwhile = await api.get<Schemas['EventPage']>(`/events?after=${cursor}`);
    t.same(meanwhile.body.data, [], 'the feed hands out nothing behind the open transaction');
    t.equal(meanwhile.body.nextCursor, cursor, 'and its cursor does not move past it');

    held.release();
    await held.done;
    const events = await waitForEvents(api, meanwhile.body.nextCursor, 2);
    t.same(
      events.map((e) => e.data.object.id),
      ['990001', later.body.id],
      'once it committed, both follow the cursor, the held one first',
    );
  });

  t.test('a held transaction that rolls back leaves no gap and no event', async (t) => {
    const cursor = await feedEnd(api);
    const held = holdOpenTransaction();
    await held.inserted;
    const later = await api.post<Schemas['Service']>('/services', { name: 'After a rollback' });
    t.same((await api.get<Schemas['EventPage']>(`/events?after=${cursor}`)).body.data, []);
    held.release('rollback');
    t.equal(await held.done.catch(() => 'rolled back'), 'rolled back');
    const events = await waitForEvents(api, cursor, 1);
    t.same(
      events.map((e) => e.data.object),
      [later.body],
    );
  });
} else {
  t.test('PGlite: a read waits for the open transaction and includes its event', async (t) => {
    const cursor = await feedEnd(api);
    const held = holdOpenTransaction();
    await held.inserted;
    let committed = false;
    const read = api.get<Schemas['EventPage']>(`/events?after=${cursor}`).then((res) => ({ res, committed }));
    const write = api.post<Schemas['Service']>('/services', { name: 'Queued behind' });
    // Let the read and the write reach the database's queue before the release.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    committed = true;
    held.release();
    await held.done;
    const { res, committed: answeredAfterCommit } = await read;
    t.ok(answeredAfterCommit, 'the read was answered only after the held transaction committed');
    t.equal(res.body.data[0]?.data.object.id, '990001', 'and hands out its event first');
    t.equal((await write).status, 201);
    const rest = await drain(api, res.body.nextCursor);
    t.ok(rest.events.length <= 1, 'nothing before the cursor it handed out was left behind');
  });
}

t.test('on both: no event ever appears at or before a cursor handed out (every read checked afterwards)', async (t) => {
  const start = await feedEnd(api);
  const reads: { after: string; page: Schemas['EventPage'] }[] = [];
  let writing = true;
  const reader = (async () => {
    let after = start;
    while (writing) {
      const res = await api.get<Schemas['EventPage']>(`/events?after=${after}&limit=7`);
      reads.push({ after, page: res.body });
      after = res.body.nextCursor;
      // A consumer at the end of the feed pauses before it polls again; on PGlite's one
      // connection a reader that never pauses keeps the writers' transactions waiting.
      if (!res.body.hasMore) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  const held = holdOpenTransaction();
  await held.inserted;
  const writes = Array.from({ length: 30 }, (_, i) => api.post('/services', { name: `Concurrent ${i}` }));
  setTimeout(() => held.release(), 50);
  await Promise.all([held.done, ...writes]);
  await waitForEvents(api, start, 31);
  writing = false;
  await reader;

  const all = (await drain(api, start)).events.map((e) => e.id);
  t.equal(all.length, 31);
  const handedOut = reads.flatMap((r) => r.page.data.map((e) => e.id));
  t.same(handedOut, all.slice(0, handedOut.length), 'the reads saw a prefix of the final feed, in order, none twice');
  for (const { after, page } of reads) {
    const from = after === start ? 0 : all.indexOf(after) + 1;
    const to = page.nextCursor === start ? 0 : all.indexOf(page.nextCursor) + 1;
    t.same(
      page.data.map((e) => e.id),
      all.slice(from, to),
      'each read returned every event between its cursors',
    );
  }
});
