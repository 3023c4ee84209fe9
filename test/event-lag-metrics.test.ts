// The lag gauges of GET /metrics: how long the oldest event has waited in
// the feed (held back behind a running transaction), for the webhook
// dispatcher, for a delivery, and (with EVENTS_NATS_URL) for NATS. Each
// state is made directly in the database, so that the gauge is the only
// thing under test; ages are lower bounds (the database's clock), never upper.
import { sql } from 'drizzle-orm';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { rowsOf } from '../src/db/client.js';
import { type Api, apiFor, type Schemas } from './helpers/api.js';
import { databaseKind, freshDatabase } from './helpers/database.js';
import { anOrder } from './helpers/fixtures.js';
import { parsePrometheusText } from './helpers/prometheus.js';

const database = await freshDatabase(t);
const { db } = database;
const app = await buildApp({ database });
t.teardown(() => app.close());
const api: Api = await apiFor(app, database);

const HELD = 'order_service_event_feed_held_back_seconds';
const DISPATCH = 'order_service_webhook_dispatch_lag_seconds';
const PENDING = 'order_service_webhook_pending_delivery_seconds';
const NATS = 'order_service_nats_publish_lag_seconds';

async function gauge(name: string): Promise<number | undefined> {
  const res = await api.get('/metrics');
  return parsePrometheusText(res.text).value(name);
}
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const lastEventId = async () => {
  const page = await api.get<Schemas['EventPage']>('/events?limit=200');
  return page.body.data.at(-1)!.id;
};

t.test('with nothing waiting every lag gauge is 0, and the NATS one is absent without EVENTS_NATS_URL', async (t) => {
  t.equal((await api.post('/orders', anOrder())).status, 201);
  t.equal(await gauge(HELD), 0);
  t.equal(await gauge(DISPATCH), 0, 'no dispatcher has a cursor yet');
  t.equal(await gauge(PENDING), 0);
  t.equal(await gauge(NATS), undefined);
});

t.test('an event the webhook dispatcher has not queued counts its age, until its cursor passes it', async (t) => {
  await db.execute(sql`insert into feed_cursors (sink, position) values ('webhooks', '')`);
  await pause(1100);
  t.ok((await gauge(DISPATCH))! >= 1, 'the oldest event after the cursor is over a second old');
  await db.execute(sql`update feed_cursors set position = ${await lastEventId()} where sink = 'webhooks'`);
  t.equal(await gauge(DISPATCH), 0, 'the cursor at the end: nothing waits');
});

t.test('a pending delivery counts the age of its event while its endpoint is enabled', async (t) => {
  const [endpoint] = await rowsOf<{ id: string }>(
    db.execute(sql`insert into webhook_endpoints (url, event_types, secret)
      values ('https://receiver.example/hook', '{}', 'whsec_lag') returning id::text as id`),
  );
  await db.execute(sql`insert into webhook_deliveries (endpoint_id, event_tx, event_id)
    select ${endpoint!.id}::bigint, tx, id from events order by tx, id limit 1`);
  await pause(1100);
  t.ok((await gauge(PENDING))! >= 1, 'waiting for over a second');
  await db.execute(sql`update webhook_endpoints set status = 'disabled' where id = ${endpoint!.id}::bigint`);
  t.equal(await gauge(PENDING), 0, 'a disabled endpoint is not waited for');
});

// PGlite runs one transaction at a time: nothing can be held back there.
if (databaseKind === 'postgres') {
  t.test('an event held back behind a running transaction counts its age until that transaction ends', async (t) => {
    let release!: () => void;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const held = db.transaction(async (tx) => {
      await tx.execute(sql`select pg_current_xact_id()`); // takes a transaction id: the feed's horizon
      started();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await running;
    t.equal((await api.post('/orders', anOrder())).status, 201);
    await pause(1100);
    t.ok((await gauge(HELD))! >= 1, 'the new order’s event is held back, over a second old');
    release();
    await held;
    t.equal(await gauge(HELD), 0, 'the transaction ended: the feed hands it out');
  });
}
