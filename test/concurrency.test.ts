// Races for one slot. The database decides: however the requests
// interleave, exactly one wins and the others get a 409, never a 500.
import t from 'tap';
import { buildTestApi } from './helpers/api.js';
import { anOrder, at, freeSlot, HOUR } from './helpers/fixtures.js';

const api = await buildTestApi(t);

const statuses = (responses: { status: number }[]) => responses.map((r) => r.status).sort((a, b) => a - b);

async function ordersWithin(from: Date, hours: number): Promise<{ id: string; datetime: string }[]> {
  const res = await api.get(
    `/orders?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(at(from, hours * HOUR))}`,
  );
  return res.body.data;
}

t.test('20 simultaneous POSTs for one slot: one 201, nineteen 409, one stored row', async (t) => {
  const slot = freeSlot();
  const responses = await Promise.all(
    Array.from({ length: 20 }, (_, i) => api.post('/orders', anOrder({ datetime: at(slot, i * 60_000) }))),
  );
  t.same(statuses(responses), [201, ...Array(19).fill(409)]);
  const winner = responses.find((r) => r.status === 201)!;
  const stored = await ordersWithin(slot, 4);
  t.same(
    stored.map((o) => o.id),
    [winner.body.id],
    'one stored row: the winner',
  );
  for (const loser of responses.filter((r) => r.status === 409)) {
    t.same(loser.body.conflictingOrderIds, [winner.body.id], 'each loser is told who holds the slot');
  }
});

t.test('20 simultaneous POSTs at the very same instant: one wins', async (t) => {
  const datetime = freeSlot().toISOString();
  const responses = await Promise.all(Array.from({ length: 20 }, () => api.post('/orders', anOrder({ datetime }))));
  t.same(statuses(responses), [201, ...Array(19).fill(409)]);
});

t.test('two PUTs moving different orders into one free slot: one 200, one 409', async (t) => {
  const day = freeSlot();
  const a = (await api.post('/orders', anOrder({ datetime: at(day, 0) }))).body;
  const b = (await api.post('/orders', anOrder({ datetime: at(day, 12 * HOUR) }))).body;
  const target = at(day, 6 * HOUR);
  const responses = await Promise.all([
    api.put(`/orders/${a.id}`, anOrder({ datetime: target })),
    api.put(`/orders/${b.id}`, anOrder({ datetime: at(day, 6 * HOUR + 30 * 60_000) })),
  ]);
  t.same(statuses(responses), [200, 409]);
  const moved = responses.find((r) => r.status === 200)!.body;
  const stayed = moved.id === a.id ? b : a;
  t.same((await api.get(`/orders/${stayed.id}`)).body, stayed, 'the loser is unchanged');
  t.same((await ordersWithin(day, 24)).map((o) => o.id).sort(), [a.id, b.id].sort(), 'still two orders');
});

t.test('a POST and a PUT racing for one slot: exactly one succeeds', async (t) => {
  const day = freeSlot();
  const a = (await api.post('/orders', anOrder({ datetime: at(day, 0) }))).body;
  const target = at(day, 8 * HOUR);
  const responses = await Promise.all([
    api.put(`/orders/${a.id}`, anOrder({ datetime: target })),
    api.post('/orders', anOrder({ datetime: at(day, 8 * HOUR + 1) })),
  ]);
  t.equal(statuses(responses).filter((s) => s !== 409).length, 1, 'one success, one 409');
  t.equal((await ordersWithin(new Date(Date.parse(target) - 3 * HOUR), 6)).length, 1, 'one order near the slot');
});
