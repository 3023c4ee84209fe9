// Several service processes on one PostgreSQL, as replicas behind a load
// balancer run: they start together (one migrates, the others wait for it),
// and twenty simultaneous creates for one slot, spread across them, still
// give exactly one order. The rule lives in the database, not in a process.
import t from 'tap';
import type { Schemas } from './helpers/api.js';
import { databaseKind } from './helpers/database.js';
import { anOrder, at, freeSlot } from './helpers/fixtures.js';
import { serviceDatabase, startServiceProcess } from './helpers/service-process.js';
import { sendChecked } from './helpers/socket.js';

const skip = databaseKind === 'postgres' ? false : 'several processes share one PostgreSQL: set TEST_DATABASE_URL';
const PROCESSES = 3;

t.test(`${PROCESSES} service processes on one PostgreSQL`, { skip }, async (t) => {
  const database = await serviceDatabase(t);
  const services = await Promise.all(Array.from({ length: PROCESSES }, () => startServiceProcess(t, database.env)));
  const via = (i: number) => services[i % PROCESSES]!.url;

  for (const [label, offset] of [
    ['minutes apart', (i: number) => i * 60_000],
    ['at the very same instant', () => 0],
  ] as const) {
    t.test(`20 simultaneous creates for one slot, ${label}, across ${PROCESSES} processes: one order`, async (t) => {
      const slot = freeSlot();
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          sendChecked(via(i), { method: 'POST', path: '/orders', body: anOrder({ datetime: at(slot, offset(i)) }) }),
        ),
      );
      t.same(responses.map((r) => r.status).sort(), [201, ...Array(19).fill(409)]);
      const winner = responses.find((r) => r.status === 201)!.body;
      for (const loser of responses.filter((r) => r.status === 409))
        t.same(loser.body.conflictingOrderIds, [winner.id]);
      for (let i = 0; i < PROCESSES; i++) {
        const from = encodeURIComponent(at(slot, -3 * 3_600_000));
        const to = encodeURIComponent(at(slot, 4 * 3_600_000));
        const stored = await sendChecked<Schemas['OrderPage']>(via(i), { path: `/orders?from=${from}&to=${to}` });
        t.same(
          stored.body.data.map((o) => o.id),
          [winner.id],
          `process ${i + 1} sees one order`,
        );
      }
    });
  }
});
