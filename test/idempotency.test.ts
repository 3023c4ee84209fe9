// Idempotency-Key: a create retried after a lost response is answered with
// the first answer and creates nothing; a reused key with another body, or
// a bad key, is refused; failures are not remembered.
import { sql } from 'drizzle-orm';
import t from 'tap';
import { rowsOf } from '../src/db/client.js';
import { createIdempotencyStore } from '../src/idempotency/store.js';
import { buildTestApi, type Schemas } from './helpers/api.js';
import { anOrder, at, freeSlot, HOUR } from './helpers/fixtures.js';

const writer = 'idempotency-writer-token-0001';
const other = 'idempotency-other-writer-0002';
const api = await buildTestApi(t, {
  apiKeys: [
    { token: writer, scope: 'write' },
    { token: other, scope: 'write' },
  ],
});
const as = (token: string, key?: string) => ({
  authorization: `Bearer ${token}`,
  ...(key ? { 'idempotency-key': key } : {}),
});

let keys = 0;
const newKey = () => `key-${process.pid}-${++keys}`;

async function ordersAround(datetime: string) {
  const from = new Date(Date.parse(datetime) - 3 * HOUR).toISOString();
  const res = await api.get<Schemas['OrderPage']>(
    `/orders?from=${encodeURIComponent(from)}&to=${encodeURIComponent(at(new Date(from), 6 * HOUR))}`,
    as(writer),
  );
  return res.body.data;
}

t.test('a retried POST after a lost response replays the answer and creates no second order', async (t) => {
  const key = newKey();
  const body = anOrder();
  // The first response is "lost": the client never reads it and retries.
  const first = await api.post('/orders', body, as(writer, key));
  const retry = await api.post('/orders', body, as(writer, key));
  t.equal(first.status, 201);
  t.equal(retry.status, 201, 'not 409 against its own order');
  t.equal(retry.headers['idempotent-replayed'], 'true');
  t.equal(first.headers['idempotent-replayed'], undefined);
  t.same(retry.body, first.body);
  t.equal(retry.headers.location, first.headers.location);
  t.equal(retry.headers.etag, first.headers.etag);
  t.same(
    (await ordersAround(body.datetime)).map((o) => o.id),
    [first.body.id],
    'one order',
  );
});

t.test('the body is compared as parsed JSON: key order and whitespace do not matter', async (t) => {
  const key = newKey();
  const body = anOrder({ services: [{ id: '123' }, { id: '456' }] });
  const first = await api.post('/orders', body, as(writer, key));
  const reordered = `{ "services": [ {"id":"123"}, {"id":"456"} ],\n  "totalfee": ${body.totalfee}, "datetime": "${body.datetime}" }`;
  const retry = await api.request({
    method: 'POST',
    url: '/orders',
    headers: { 'content-type': 'application/json', ...as(writer, key) },
    payload: reordered,
  });
  t.equal(retry.status, 201);
  t.equal(retry.headers['idempotent-replayed'], 'true');
  t.equal(retry.body.id, first.body.id);
});

t.test('bodies that ask for the same order are the same request: the datetime is compared as an instant', async (t) => {
  const key = newKey();
  const slot = freeSlot();
  const first = await api.post('/orders', anOrder({ datetime: slot.toISOString(), totalfee: 10 }), as(writer, key));
  const sameInstant = slot.toISOString().replace('T00:00:00.000Z', 'T05:30:00+05:30');
  const retry = await api.post('/orders', anOrder({ datetime: sameInstant, totalfee: 10.0 }), as(writer, key));
  t.equal(retry.status, 201);
  t.equal(retry.headers['idempotent-replayed'], 'true');
  t.equal(retry.body.id, first.body.id);
});

t.test('a replay returns the first answer even after the order has changed or gone', async (t) => {
  const key = newKey();
  const body = anOrder();
  const first = await api.post('/orders', body, as(writer, key));
  await api.patch(`/orders/${first.body.id}`, { totalfee: 1 }, as(writer));
  const afterChange = await api.post('/orders', body, as(writer, key));
  t.same(afterChange.body, first.body, 'what the create answered, not the order now');
  await api.delete(`/orders/${first.body.id}`, as(writer));
  const afterDelete = await api.post('/orders', body, as(writer, key));
  t.equal(afterDelete.status, 201);
  t.same(afterDelete.body, first.body);
  t.equal(afterDelete.headers['idempotent-replayed'], 'true');
  t.same(await ordersAround(body.datetime), [], 'the replay did not recreate the deleted order');
});

t.test('a key used on one route is not valid for another: 422', async (t) => {
  const key = newKey();
  await api.post('/orders', anOrder(), as(writer, key));
  const res = await api.post('/services', { name: 'Elsewhere' }, as(writer, key));
  t.equal(res.status, 422);
  t.equal(res.body.type, '/problems/idempotency-key-reused');
});

t.test('a request that failed with a 5xx is not remembered', async (t) => {
  const key = newKey();
  const body = anOrder();
  await api.database.db.execute(sql`alter table order_services rename to order_services_away`);
  const failed = await api.post('/orders', body, as(writer, key));
  await api.database.db.execute(sql`alter table order_services_away rename to order_services`);
  t.equal(failed.status, 500);
  const retry = await api.post('/orders', body, as(writer, key));
  t.equal(retry.status, 201);
  t.equal(retry.headers['idempotent-replayed'], undefined, 'created now, not replayed');
  t.same(
    (await ordersAround(body.datetime)).map((o) => o.id),
    [retry.body.id],
  );
});

t.test('the same key with a different body is 422 and creates nothing', async (t) => {
  const key = newKey();
  const body = anOrder();
  await api.post('/orders', body, as(writer, key));
  const other = anOrder();
  const res = await api.post('/orders', other, as(writer, key));
  t.equal(res.status, 422);
  t.equal(res.body.type, '/problems/idempotency-key-reused');
  t.same(await ordersAround(other.datetime), []);
});

t.test('a request that failed with a 4xx is not remembered: fix it and retry with the same key', async (t) => {
  const key = newKey();
  const body = anOrder({ services: [{ id: '999' }] });
  t.equal((await api.post('/orders', body, as(writer, key))).status, 422);
  const fixed = await api.post('/orders', { ...body, services: [{ id: '123' }] }, as(writer, key));
  t.equal(fixed.status, 201);
  t.equal(fixed.headers['idempotent-replayed'], undefined);
});

t.test('a conflict (409) is not remembered either', async (t) => {
  const slot = freeSlot();
  const blocker = (await api.post('/orders', anOrder({ datetime: slot.toISOString() }), as(writer))).body;
  const key = newKey();
  const body = anOrder({ datetime: at(slot, HOUR) });
  t.equal((await api.post('/orders', body, as(writer, key))).status, 409);
  await api.delete(`/orders/${blocker.id}`, as(writer));
  t.equal((await api.post('/orders', body, as(writer, key))).status, 201, 'the slot is free now and the key unused');
});

t.test('keys are scoped to the API key: another caller with the same key creates its own', async (t) => {
  const key = newKey();
  const mine = await api.post('/orders', anOrder(), as(writer, key));
  const theirs = await api.post('/orders', anOrder(), as(other, key));
  t.equal(theirs.status, 201);
  t.equal(theirs.headers['idempotent-replayed'], undefined);
  t.not(theirs.body.id, mine.body.id);
});

t.test('two concurrent POSTs with one key create one order', async (t) => {
  const key = newKey();
  const body = anOrder();
  const responses = await Promise.all([
    api.post('/orders', body, as(writer, key)),
    api.post('/orders', body, as(writer, key)),
  ]);
  const created = responses.filter((r) => r.status === 201);
  // The loser either waited and got the replay, or arrived while the
  // winner's transaction held the key and was told 409 (retry later).
  t.ok(created.length >= 1);
  for (const r of responses)
    t.ok(r.status === 201 || r.body.type === '/problems/idempotency-key-in-use', `status ${r.status}`);
  t.same(new Set(created.map((r) => r.body.id)).size, 1);
  t.equal((await ordersAround(body.datetime)).length, 1, 'one order');
});

t.test('POST /services is idempotent the same way', async (t) => {
  const key = newKey();
  const first = await api.post('/services', { name: 'Idempotent' }, as(writer, key));
  const retry = await api.post('/services', { name: 'Idempotent' }, as(writer, key));
  t.equal(retry.status, 201);
  t.equal(retry.headers['idempotent-replayed'], 'true');
  t.same(retry.body, first.body);
  t.equal(retry.headers.location, first.headers.location);
  const reused = await api.post('/services', { name: 'Different' }, as(writer, key));
  t.equal(reused.status, 422);
  const names = (await api.get<Schemas['ServiceList']>('/services', as(writer))).body.data.filter(
    (s) => s.name === 'Idempotent',
  );
  t.equal(names.length, 1);
});

for (const [name, value] of [
  ['empty', ''],
  ['longer than 255 characters', 'k'.repeat(256)],
  ['not printable ASCII', 'clé'],
  ['a control character', 'a\tb'],
] as const) {
  t.test(`an Idempotency-Key that is ${name} is 400`, async (t) => {
    const res = await api.request<Schemas['ValidationProblem']>({
      method: 'POST',
      url: '/orders',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${writer}`, 'idempotency-key': value },
      payload: JSON.stringify(anOrder()),
    });
    t.equal(res.status, 400);
    const named = new Set(res.body.errors.map((e) => `${e.in} ${e.pointer}`));
    t.same([...named], ['header #/idempotency-key']);
  });
}

t.test('a 255-character key of printable ASCII, spaces included, is accepted', async (t) => {
  const key = `${newKey()} ${'~'.repeat(255)}`.slice(0, 255);
  t.equal((await api.post('/orders', anOrder(), as(writer, key))).status, 201);
});

t.test('keys expire after 24 hours: the key is free again, and the purge deletes it', async (t) => {
  const key = newKey();
  const first = await api.post('/orders', anOrder(), as(writer, key));
  await api.database.db.execute(
    sql`update idempotency_keys set created_at = now() - interval '24 hours 1 second' where key = ${key}`,
  );
  const again = await api.post('/orders', anOrder(), as(writer, key));
  t.equal(again.status, 201, 'a different body with an expired key is a new request');
  t.not(again.body.id, first.body.id);

  await api.database.db.execute(
    sql`update idempotency_keys set created_at = now() - interval '25 hours' where key = ${key}`,
  );
  await createIdempotencyStore(api.database.db).purgeExpired();
  const [left] = await rowsOf<{ n: number }>(
    api.database.db.execute(sql`select count(*)::int as n from idempotency_keys where key = ${key}`),
  );
  t.equal(left!.n, 0);
});

t.test('a key within 24 hours is kept by the purge', async (t) => {
  const key = newKey();
  await api.post('/orders', anOrder(), as(writer, key));
  await createIdempotencyStore(api.database.db).purgeExpired();
  const retry = await api.post('/orders', anOrder(), as(writer, key));
  t.equal(retry.status, 422, 'still remembered: a different body is refused');
});
