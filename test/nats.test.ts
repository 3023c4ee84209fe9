// Publishing events to NATS JetStream (the broker on 127.0.0.1:4222, reached
// through a proxy this test can cut, so the machine's server is never
// stopped; and a nats-server of the test's own, stopped and restarted):
// every event once per Nats-Msg-Id, on `<prefix>.<type>`, also across a
// broker outage and a restart, read back by a consumer exactly once.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import t from 'tap';
import { DEFAULT_BROKER } from '../src/broker/settings.js';
import { buildTestApi, type Schemas } from './helpers/api.js';
import { anOrder } from './helpers/fixtures.js';
import { freePort } from './helpers/ports.js';
import { startTcpProxy } from './helpers/tcp-proxy.js';
import { waitFor } from './helpers/webhooks.js';

// A stream and subjects of this run's own, deleted at the end: runs never share messages.
const run = randomBytes(4).toString('hex');
const stream = `TEST_ORDER_EVENTS_${run}`;
const subjectPrefix = `test_${run}.orders.events`;

const proxy = await startTcpProxy({ host: '127.0.0.1', port: 4222 });
t.teardown(() => proxy.close());
const api = await buildTestApi(t, {
  broker: { ...DEFAULT_BROKER, natsUrl: `nats://127.0.0.1:${proxy.port}`, stream, subjectPrefix, pollIntervalMs: 50 },
});
await api.app.ready();

// The test's own view of the broker, straight to NATS.
const nats = await connect({ servers: 'nats://127.0.0.1:4222' });
const manager = await nats.jetstreamManager();
t.teardown(async () => {
  await manager.streams.delete(stream).catch(() => undefined);
  await nats.close();
});
const storedCount = async () => (await manager.streams.info(stream).catch(() => undefined))?.state.messages ?? 0;

const feed = async () => (await api.get<Schemas['EventPage']>('/events?limit=200')).body.data;

t.test('every event is published once to <prefix>.<type>, with the event id as Nats-Msg-Id', async (t) => {
  for (let i = 0; i < 3; i++) await api.post('/orders', anOrder());
  await api.post('/services', { name: 'Brokered' });
  const events = await feed();
  await waitFor(async () => (await storedCount()) >= events.length, 20_000, 'the events in the stream');
  t.equal(await storedCount(), events.length);
});

t.test('events committed while NATS is unreachable are published once it is back', async (t) => {
  const before = await storedCount();
  proxy.cut();
  for (let i = 0; i < 3; i++)
    t.equal((await api.post('/orders', anOrder())).status, 201, 'writes go on without the broker');
  await new Promise((resolve) => setTimeout(resolve, 500));
  t.equal(await storedCount(), before, 'nothing was published during the outage');
  proxy.restore();
  const events = await feed();
  await waitFor(async () => (await storedCount()) >= events.length, 30_000, 'the events after the outage');
  // A quiet while: nothing published twice shows up late.
  await new Promise((resolve) => setTimeout(resolve, 500));
  t.equal(await storedCount(), events.length);
});

t.test('a consumer reads every event exactly once, in feed order, each on its subject', async (t) => {
  const events = await feed();
  const consumerName = `reader_${run}`;
  await manager.consumers.add(stream, { durable_name: consumerName, ack_policy: 'explicit' as never });
  const consumer = await nats.jetstream().consumers.get(stream, consumerName);
  const read: { subject: string; msgId: string | undefined; body: Schemas['Event'] }[] = [];
  const messages = await consumer.fetch({ max_messages: events.length + 10, expires: 2000 });
  for await (const message of messages) {
    read.push({ subject: message.subject, msgId: message.headers?.get('Nats-Msg-Id'), body: message.json() });
    message.ack();
  }
  t.same(
    read.map((m) => m.body),
    events,
    'the bodies are the feed events, in order, none twice',
  );
  t.same(
    read.map((m) => m.msgId),
    events.map((e) => e.id),
    'Nats-Msg-Id is the event id',
  );
  t.same(
    read.map((m) => m.subject),
    events.map((e) => `${subjectPrefix}.${e.type}`),
  );
});

t.test(
  'across a real broker restart (a nats-server of this test, its store kept), every event is in the stream once',
  async (t) => {
    const store = mkdtempSync(join(tmpdir(), 'nats-store-'));
    t.teardown(() => rmSync(store, { recursive: true, force: true }));
    const port = await freePort();
    const startBroker = async () => {
      const broker = spawn('/usr/sbin/nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', store], {
        stdio: 'ignore',
      });
      t.teardown(() => void (broker.exitCode === null && broker.kill('SIGKILL')));
      const exited = new Promise((resolve) => broker.once('exit', resolve));
      await waitFor(
        async () =>
          await connect({ servers: `nats://127.0.0.1:${port}`, reconnect: false }).then(
            (c) => c.close().then(() => true),
            () => false,
          ),
        20_000,
        'the nats-server',
      );
      return {
        async stop() {
          broker.kill('SIGTERM');
          await exited;
        },
      };
    };
    let broker = await startBroker();
    const own = await buildTestApi(t, {
      broker: { ...DEFAULT_BROKER, natsUrl: `nats://127.0.0.1:${port}`, stream, subjectPrefix, pollIntervalMs: 50 },
    });
    await own.app.ready();
    const ownFeed = async () => (await own.get<Schemas['EventPage']>('/events?limit=200')).body.data;
    const client = await connect({
      servers: `nats://127.0.0.1:${port}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 100,
    });
    t.teardown(() => client.close());
    const jsm = await client.jetstreamManager();
    const count = async () => (await jsm.streams.info(stream).catch(() => undefined))?.state.messages ?? 0;

    for (let i = 0; i < 2; i++) await own.post('/orders', anOrder());
    await waitFor(async () => (await count()) >= (await ownFeed()).length, 20_000, 'the first events');
    await broker.stop();
    for (let i = 0; i < 3; i++) t.equal((await own.post('/orders', anOrder())).status, 201);
    broker = await startBroker();
    const events = await ownFeed();
    await waitFor(async () => (await count()) >= events.length, 30_000, 'the events after the restart');
    await new Promise((resolve) => setTimeout(resolve, 500));
    t.equal(await count(), events.length, 'each event once, none lost, none twice');
    await own.app.close();
    await broker.stop();
  },
);
