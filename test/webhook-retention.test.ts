// Webhook history is purged with the events it refers to: attempts and
// finished deliveries older than EVENT_RETENTION_DAYS go; a pending
// delivery stays whatever its age (it is still owed), and so does anything recent.
import { sql } from 'drizzle-orm';
import t from 'tap';
import { rowsOf } from '../src/db/client.js';
import { purgeWebhookHistory } from '../src/webhooks/retention.js';
import { buildTestApi } from './helpers/api.js';
import { anOrder } from './helpers/fixtures.js';

const api = await buildTestApi(t);
const { db } = api.database;

t.test('attempts and finished deliveries past the retention go; pending and recent ones stay', async (t) => {
  for (let i = 0; i < 3; i++) t.equal((await api.post('/orders', anOrder())).status, 201);
  const [endpoint] = await rowsOf<{ id: string }>(
    db.execute(sql`insert into webhook_endpoints (url, event_types, secret)
      values ('https://receiver.example/hook', '{}', 'whsec_retention') returning id::text as id`),
  );
  const events = await rowsOf<{ tx: string; id: string }>(
    db.execute(sql`select tx::text, id::text from events order by tx, id`),
  );
  const [oldDelivered, oldPending, recentDelivered] = events;
  const delivery = (event: { tx: string; id: string }, state: string, age: string) =>
    db.execute(sql`insert into webhook_deliveries (endpoint_id, event_tx, event_id, state, created_at)
      values (${endpoint!.id}::bigint, ${event.tx}::xid8, ${event.id}::bigint, ${state}, now() - ${age}::interval)`);
  await delivery(oldDelivered!, 'delivered', '31 days');
  await delivery(oldPending!, 'pending', '31 days');
  await delivery(recentDelivered!, 'delivered', '29 days');
  const attempt = (event: { tx: string; id: string }, age: string) =>
    db.execute(sql`insert into webhook_attempts (endpoint_id, event_tx, event_id, attempted_at, status_code, duration_ms)
      values (${endpoint!.id}::bigint, ${event.tx}::xid8, ${event.id}::bigint, now() - ${age}::interval, 200, 5)`);
  await attempt(oldDelivered!, '31 days');
  await attempt(recentDelivered!, '29 days');

  t.same(await purgeWebhookHistory(db, 30), { attempts: 1, deliveries: 1 });

  const left = await rowsOf<{ id: string; state: string }>(
    db.execute(sql`select event_id::text as id, state from webhook_deliveries order by event_id`),
  );
  t.same(left, [
    { id: oldPending!.id, state: 'pending' },
    { id: recentDelivered!.id, state: 'delivered' },
  ]);
  const attempts = await rowsOf<{ id: string }>(db.execute(sql`select event_id::text as id from webhook_attempts`));
  t.same(attempts, [{ id: recentDelivered!.id }]);
  t.same(await purgeWebhookHistory(db, 30), { attempts: 0, deliveries: 0 }, 'a second purge finds nothing');
});
