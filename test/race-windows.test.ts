// The windows between the service's checks and its writes, held open on
// purpose by a second connection that writes behind the service's back.
// The database must still decide correctly. These need a second connection
// to the same database, so they run on PostgreSQL (TEST_DATABASE_URL);
// PGlite serves one connection, where such a window cannot open.
import postgres from 'postgres';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { ANONYMOUS } from '../src/auth/api-keys.js';
import { openDatabase } from '../src/db/client.js';
import { apiFor } from './helpers/api.js';
import { createTestDatabase, databaseKind } from './helpers/database.js';
import { anOrder, at, freeSlot } from './helpers/fixtures.js';

const skip = databaseKind === 'postgres' ? false : 'needs a second connection to one database: set TEST_DATABASE_URL';

t.test('race windows on PostgreSQL', { skip }, async (t) => {
  const test = await createTestDatabase();
  if (test.config.kind !== 'postgres') throw new Error('unreachable');
  const database = await openDatabase(test.config);
  const app = await buildApp({ database });
  const api = await apiFor(app, database);
  const intruder = postgres(test.config.url, { max: 1, onnotice: () => {} });
  t.teardown(async () => {
    await app.close();
    await database.close();
    await intruder.end();
    await test.drop();
  });

  t.test('an uncommitted conflicting insert: the constraint answers 409 naming it once it commits', async (t) => {
    const slot = freeSlot();
    let intruderId = '';
    let request: ReturnType<typeof api.post> | undefined;
    await intruder.begin(async (tx) => {
      const [row] =
        await tx`insert into orders (datetime, totalfee) values (${slot.toISOString()}, 1) returning id::text`;
      intruderId = row!.id;
      // The service cannot see the uncommitted row, so its overlap query
      // passes; its insert then waits on the constraint for this transaction.
      request = api.post('/orders', anOrder({ datetime: at(slot, 60_000) }));
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    const res = await request!;
    t.equal(res.status, 409);
    t.same(res.body.conflictingOrderIds, [intruderId]);
  });

  t.test('an Idempotency-Key held by a request still in progress is 409; once it ends, the key works', async (t) => {
    const key = `in-progress-${process.pid}`;
    // Stand in for a first request that holds the key in its transaction.
    const held = await intruder.reserve();
    await held`select pg_advisory_lock(hashtextextended(${ANONYMOUS} || ' ' || ${key}, 3110002))`;
    const body = anOrder();
    const busy = await api.post('/orders', body, { 'idempotency-key': key });
    t.equal(busy.status, 409);
    t.equal(busy.body.type, '/problems/idempotency-key-in-use');
    await held`select pg_advisory_unlock(hashtextextended(${ANONYMOUS} || ' ' || ${key}, 3110002))`;
    held.release();
    t.equal((await api.post('/orders', body, { 'idempotency-key': key })).status, 201);
  });

  t.test('two PATCHes of one order, one waiting for the other: neither change is lost', async (t) => {
    const slot = freeSlot();
    const order = (await api.post('/orders', anOrder({ datetime: slot.toISOString(), services: [{ id: '123' }] })))
      .body;
    // Hold the slot lock that a write near this instant takes after locking
    // the order row: PATCH A stops there, holding the row; PATCH B waits for
    // the row. When A commits, B must see A's services, not the old ones.
    const held = await intruder.reserve();
    const bucket = Math.floor(slot.getTime() / (3 * 3_600_000));
    await held`select pg_advisory_lock(3110001, ${bucket}::int)`;
    const a = api.patch(`/orders/${order.id}`, { services: [{ id: '456' }] });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const b = api.patch(`/orders/${order.id}`, { totalfee: 7 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await held`select pg_advisory_unlock(3110001, ${bucket}::int)`;
    held.release();
    t.same([(await a).status, (await b).status], [200, 200]);
    const final = (await api.get(`/orders/${order.id}`)).body;
    t.same(final.services, [{ id: '456', name: 'Analysis' }], "A's services survive B's patch");
    t.equal(final.totalfee, 7);
  });

  t.test('a service deleted while an order that books it is written: 422, nothing stored', async (t) => {
    const service = (await api.post('/services', { name: 'Vanishing' })).body;
    const body = anOrder({ services: [{ id: service.id }] });
    let request: ReturnType<typeof api.post> | undefined;
    await intruder.begin(async (tx) => {
      await tx`delete from services where id = ${service.id}`;
      // The service still sees the service (the delete is uncommitted); its
      // foreign key check then waits for this transaction and fails.
      request = api.post('/orders', body);
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    const res = await request!;
    t.equal(res.status, 422);
    t.same(res.body.unknownServiceIds, [service.id]);
    t.equal((await api.post('/orders', anOrder({ datetime: body.datetime }))).status, 201, 'the slot stayed free');
  });
});
