// The typed client package (clients/typescript: openapi-fetch over generated/),
// used as a consumer team would: against the running service over HTTP, for
// a whole create / read / list / update / conflict / delete sequence. The
// type checker (`npm run typecheck`) checks every call below against the
// contract, and every response is held to the spec at runtime (and by Prism
// under CONTRACT_PROXY=prism).

import t from 'tap';
import { createOrdersClient, type OrdersClient } from '../clients/typescript/src/index.js';
import { at, freeSlot, HOUR } from './helpers/fixtures.js';
import { CLIENT_TOKEN, startService } from './helpers/server.js';

const service = await startService(t);
const client = createOrdersClient(service.url, { fetch: service.fetch, token: CLIENT_TOKEN });

t.test('create, read, list with pagination, update, conflict and delete an order', async (t) => {
  const day = freeSlot();
  const { data: catalogue } = await client.GET('/services');
  const [inspection, analysis] = catalogue!.data;

  const created = await client.POST('/orders', {
    body: { datetime: at(day, 0), totalfee: 250.5, services: [{ id: inspection!.id }] },
  });
  t.equal(created.response.status, 201);
  const order = created.data!;
  t.equal(created.response.headers.get('location'), `/orders/${order.id}`);
  t.same(order.services, [inspection]);

  const read = await client.GET('/orders/{orderId}', { params: { path: { orderId: order.id } } });
  t.same(read.data, order);

  const later = await client.POST('/orders', {
    body: { datetime: at(day, 3 * HOUR), totalfee: 0, services: [{ id: analysis!.id }] },
  });
  const latest = await client.POST('/orders', {
    body: { datetime: at(day, 6 * HOUR), totalfee: 0.07, services: [{ id: inspection!.id }] },
  });
  const range = { from: at(day, 0), to: at(day, 24 * HOUR), limit: 2 };
  const first = await client.GET('/orders', { params: { query: range } });
  t.same(
    first.data!.data.map((o) => o.id),
    [order.id, later.data!.id],
  );
  t.type(first.data!.nextCursor, 'string');
  const second = await client.GET('/orders', { params: { query: { ...range, cursor: first.data!.nextCursor! } } });
  t.same(second.data, { data: [latest.data], nextCursor: null });

  const updated = await client.PUT('/orders/{orderId}', {
    params: { path: { orderId: order.id } },
    body: { datetime: at(day, 0), totalfee: 99.99, services: [{ id: analysis!.id }, { id: inspection!.id }] },
  });
  t.equal(updated.data!.totalfee, 99.99);
  t.same(updated.data!.services, [analysis, inspection]);
  t.equal(updated.data!.createdAt, order.createdAt);

  const conflict = await client.POST('/orders', {
    body: { datetime: at(day, HOUR), totalfee: 1, services: [{ id: inspection!.id }] },
  });
  t.equal(conflict.response.status, 409);
  t.equal(conflict.data, undefined);
  t.match(conflict.error, {
    type: '/problems/order-conflict',
    status: 409,
    conflictingOrderIds: [order.id, later.data!.id],
  });

  const etag = (
    await client.GET('/orders/{orderId}', { params: { path: { orderId: order.id } } })
  ).response.headers.get('etag')!;
  const patched = await client.PATCH('/orders/{orderId}', {
    params: { path: { orderId: order.id }, header: { 'If-Match': etag } },
    body: { totalfee: 120 },
    headers: { 'content-type': 'application/merge-patch+json' },
  });
  t.equal(patched.data!.totalfee, 120);
  const stale = await client.DELETE('/orders/{orderId}', {
    params: { path: { orderId: order.id }, header: { 'If-Match': etag } },
  });
  t.equal(stale.response.status, 412);
  t.equal(stale.error!.type, '/problems/precondition-failed');

  // Without a key (straight to the service: Prism would answer this 401 itself).
  const anonymous = await createOrdersClient(service.directUrl, { fetch: service.fetch }).GET('/orders/{orderId}', {
    params: { path: { orderId: order.id } },
  });
  t.equal(anonymous.response.status, 401);

  const deleted = await client.DELETE('/orders/{orderId}', { params: { path: { orderId: order.id } } });
  t.equal(deleted.response.status, 204);
  const gone = await client.GET('/orders/{orderId}', { params: { path: { orderId: order.id } } });
  t.equal(gone.response.status, 404);
  t.equal(gone.error!.type, '/problems/not-found');
});

/**
 * Never called: these calls exist for the type checker, which must reject
 * each of them (an unused @ts-expect-error is itself a compile error).
 */
export function callsTheContractForbids(client: OrdersClient): void {
  // @ts-expect-error totalfee is a number, not a string
  void client.POST('/orders', { body: { datetime: '2031-01-01T00:00:00Z', totalfee: '1', services: [{ id: '123' }] } });
  // @ts-expect-error services is required
  void client.POST('/orders', { body: { datetime: '2031-01-01T00:00:00Z', totalfee: 1 } });
  // @ts-expect-error the path needs its orderId
  void client.GET('/orders/{orderId}', {});
  // @ts-expect-error there is no such path
  void client.GET('/order');
  // @ts-expect-error /orders has no DELETE
  void client.DELETE('/orders');
}
