// The embedded store killed with SIGKILL in the middle of a stream of
// writes: no shutdown code runs. After a restart on the same directory the
// store opens, and every order whose 201 a client received is there, as it
// was acknowledged. Twice, so a store recovered once is recovered again.
// Always PGlite (the store this service embeds), whatever the suite runs on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { Schemas } from './helpers/api.js';
import { anOrder, at, THREE_HOURS } from './helpers/fixtures.js';
import { startServiceProcess } from './helpers/service-process.js';
import { sendChecked } from './helpers/socket.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const dir = mkdtempSync(join(tmpdir(), 'order-service-crash-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const env = { PGLITE_DIR: dir };
const acknowledged: Schemas['Order'][] = [];
let next = 0;

/** Four clients create orders until the process dies; returns when they have all stopped. */
async function writeUntilKilled(url: string, kill: () => void): Promise<number> {
  let dead = false;
  let before = acknowledged.length;
  const client = async () => {
    while (!dead) {
      try {
        const res = await sendChecked(url, {
          method: 'POST',
          path: '/orders',
          body: anOrder({ datetime: at(new Date(Date.UTC(2300, 0, 1)), next++ * THREE_HOURS) }),
        });
        if (res.status !== 201) throw new Error(`unexpected ${res.status}`);
        acknowledged.push(res.body);
      } catch (error) {
        if (!dead) throw error;
      }
    }
  };
  const clients = Array.from({ length: 4 }, client);
  await sleep(1500);
  before = acknowledged.length - before;
  dead = true;
  kill();
  await Promise.all(clients);
  return before;
}

for (const round of [1, 2]) {
  t.test(`SIGKILL during writes (${round}): after a restart every acknowledged order is there`, async (t) => {
    const service = await startServiceProcess(t, env);
    const written = await writeUntilKilled(service.url, () => service.kill('SIGKILL'));
    t.same(await service.exited, { code: null, signal: 'SIGKILL' });
    t.ok(written > 0, `orders were being written when it died (${written})`);

    const restarted = await startServiceProcess(t, env);
    t.equal((await sendChecked(restarted.url, { path: '/readyz' })).status, 200, 'the store opens');
    for (const order of acknowledged) {
      t.same((await sendChecked(restarted.url, { path: `/orders/${order.id}` })).body, order, `order ${order.id}`);
    }
    t.equal(
      (await sendChecked(restarted.url, { method: 'POST', path: '/orders', body: anOrder() })).status,
      201,
      'and takes writes',
    );
    restarted.kill('SIGTERM');
    t.same(await restarted.exited, { code: 0, signal: null });
  });
}
