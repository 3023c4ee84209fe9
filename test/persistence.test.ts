// The embedded store keeps what it acknowledged across a restart. This
// always runs on PGlite, whichever database the rest of the suite uses.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { openDatabase } from '../src/db/client.js';
import { apiFor } from './helpers/api.js';
import { anOrder } from './helpers/fixtures.js';

const dataDir = mkdtempSync(join(tmpdir(), 'order-service-pglite-'));
t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));

async function start() {
  const database = await openDatabase({ kind: 'pglite', dataDir });
  const app = await buildApp({ database });
  return {
    api: await apiFor(app, database),
    stop: async () => {
      await app.close();
      await database.close();
    },
  };
}

t.test('orders and services survive a restart of the embedded store', async (t) => {
  const first = await start();
  const service = (await first.api.post('/services', { name: 'Durable' })).body;
  const order = (await first.api.post('/orders', anOrder({ services: [{ id: service.id }] }))).body;
  const deleted = (await first.api.post('/orders', anOrder())).body;
  await first.api.delete(`/orders/${deleted.id}`);
  await first.stop();

  const second = await start();
  t.teardown(second.stop);
  t.same((await second.api.get(`/orders/${order.id}`)).body, order);
  t.same((await second.api.get(`/services/${service.id}`)).body, service);
  t.equal((await second.api.get(`/orders/${deleted.id}`)).status, 404);
  t.equal((await second.api.get('/orders/223')).status, 200, 'the seed ran once, not again');
  const next = (await second.api.post('/orders', anOrder())).body;
  t.ok(BigInt(next.id) > BigInt(deleted.id), 'ids are not reused after a restart');
});
