// Webhook delivery across real service processes: one killed with SIGKILL
// in the middle of a delivery loses nothing (its lease runs out and the
// next process sends the event again), and two processes on one PostgreSQL
// deliver each event exactly once in the healthy case.
import t from 'tap';
import { databaseKind } from './helpers/database.js';
import { anOrder } from './helpers/fixtures.js';
import { serviceDatabase, startServiceProcess } from './helpers/service-process.js';
import { startReceiver } from './helpers/webhook-receiver.js';
import { TEST_WEBHOOK_ENV, verified } from './helpers/webhooks.js';

// An attempt times out after 1 s, so a dead process's lease (2 × timeout + 1 s) runs out after 3 s.
const ENV = { ...TEST_WEBHOOK_ENV, WEBHOOK_TIMEOUT_MS: '1000' };

const post = async (url: string, path: string, body: unknown) => {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; secret: string };
};

t.test('a process killed with SIGKILL mid-delivery loses nothing: the next one delivers', async (t) => {
  const database = await serviceDatabase(t);
  const receiver = await startReceiver(t);
  // The first delivery is held open: the process is in the middle of it when it dies.
  receiver.answer = () => (receiver.received.length === 1 ? 'hold' : 200);
  const first = await startServiceProcess(t, { ...database.env, ...ENV });
  const endpoint = await post(first.url, '/webhook-endpoints', { url: receiver.url, eventTypes: ['order.created'] });
  const orders = [];
  for (let i = 0; i < 3; i++) orders.push((await post(first.url, '/orders', anOrder())).id);
  await receiver.until((r) => r.length >= 1);
  first.kill('SIGKILL');
  t.equal((await first.exited).signal, 'SIGKILL');

  await startServiceProcess(t, { ...database.env, ...ENV });
  await receiver.until((r) => new Set(r.map((d) => d.id)).size >= 3, 30_000);
  const delivered = receiver.received.map(
    (d) => (verified(endpoint.secret, d).data as { object: { id: string } }).object.id,
  );
  t.same([...new Set(delivered)].sort(), [...orders].sort(), 'every order event arrived');
  t.equal(receiver.received[0]!.id, receiver.received[1]!.id, 'the event cut off by the kill was sent again first');
});

t.test(
  'two processes on one PostgreSQL deliver each event exactly once',
  { skip: databaseKind !== 'postgres' && 'PostgreSQL only: PGlite serves one process' },
  async (t) => {
    const database = await serviceDatabase(t);
    const receiver = await startReceiver(t);
    const [a, b] = await Promise.all([
      startServiceProcess(t, { ...database.env, ...ENV }),
      startServiceProcess(t, { ...database.env, ...ENV }),
    ]);
    await post(a.url, '/webhook-endpoints', { url: `${receiver.url}?endpoint=a`, eventTypes: ['order.created'] });
    await post(b.url, '/webhook-endpoints', { url: `${receiver.url}?endpoint=b`, eventTypes: ['order.created'] });
    const writes = Array.from({ length: 20 }, (_, i) => post(i % 2 ? a.url : b.url, '/orders', anOrder()));
    await Promise.all(writes);
    // Two endpoints, twenty events: forty deliveries, then a quiet while in which no duplicate arrives.
    await receiver.until((r) => r.length >= 40, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    t.equal(receiver.received.length, 40);
    const pairs = new Set(receiver.received.map((d) => `${d.path} ${d.id}`));
    t.equal(pairs.size, 40, 'no (event, endpoint) delivered twice');
  },
);
