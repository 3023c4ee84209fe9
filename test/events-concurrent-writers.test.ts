// 200 concurrent writers while a reader follows the feed with its cursor,
// page by page, as a consumer would: the reader ends up with exactly one
// event per committed change, none skipped, none twice, and each order's
// events in version order.
import t from 'tap';
import { buildTestApi, type Schemas } from './helpers/api.js';
import { drain, feedEnd } from './helpers/events.js';
import { anOrder } from './helpers/fixtures.js';

const api = await buildTestApi(t);
const WRITERS = Number(process.env.WRITERS ?? 200);

t.test(`${WRITERS} concurrent writers, read back through the feed: nothing skipped, nothing twice`, async (t) => {
  const start = await feedEnd(api);
  const seen: Schemas['Event'][] = [];
  let writing = true;
  const reader = (async () => {
    let cursor = start;
    for (;;) {
      const done = !writing; // one more pass after the last write answered
      const page = await drain(api, cursor, 'limit=50');
      seen.push(...page.events);
      cursor = page.cursor;
      if (done) return;
      // At the end of the feed a consumer pauses before it polls again (on PGlite's one connection,
      // a reader that never pauses keeps the writers' transactions waiting).
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();

  // Orders (created, then half of them patched) and services, all at once.
  const writes = Array.from({ length: WRITERS }, async (_, i) => {
    if (i % 4 === 3) return [(await api.post<Schemas['Service']>('/services', { name: `Writer ${i}` })).body.id];
    const order = await api.post<Schemas['Order']>('/orders', anOrder());
    t.equal(order.status, 201);
    if (i % 2 === 0) return [order.body.id];
    t.equal((await api.patch(`/orders/${order.body.id}`, { totalfee: i })).status, 200);
    return [order.body.id, order.body.id];
  });
  const changed = (await Promise.all(writes)).flat();
  writing = false;
  await reader;
  // Events can be handed out a moment after their answers: read on until they all are.
  const deadline = Date.now() + 30_000;
  while (seen.length < changed.length && Date.now() < deadline) {
    const last = seen.at(-1)?.id ?? start;
    seen.push(...(await drain(api, last)).events);
  }

  t.equal(seen.length, changed.length, 'one event per change');
  t.equal(new Set(seen.map((e) => e.id)).size, seen.length, 'none twice');
  t.same(seen.map((e) => e.data.object.id).sort(), [...changed].sort(), 'every change, by the object it changed');
  t.same(
    (await drain(api, start)).events.map((e) => e.id),
    seen.map((e) => e.id),
    'in the feed’s own order',
  );
  const versions = new Map<string, number>();
  for (const event of seen) {
    if (!('version' in event.data)) continue;
    const id = event.data.object.id;
    t.equal(event.data.version, (versions.get(id) ?? 0) + 1, `order ${id}: versions in order`);
    versions.set(id, event.data.version);
  }
});
