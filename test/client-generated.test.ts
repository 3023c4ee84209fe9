// A client generated at test time by an independent generator (hey-api with
// zod, see helpers/hey-api.ts) runs the same sequence as the typed client
// against the running service. Its SDK validates every success body with
// zod; hey-api 0.95 does not validate error bodies, so each problem is parsed
// here with the generated zod schema for it. Every response is also held to
// the spec by the project's own check (and by Prism under CONTRACT_PROXY=prism).
import t from 'tap';
import { at, freeSlot, HOUR } from './helpers/fixtures.js';
import { generateHeyApiClient } from './helpers/hey-api.js';
import { CLIENT_TOKEN, startService } from './helpers/server.js';

const service = await startService(t);
const { sdk, zod, client } = await generateHeyApiClient(t);
client.setConfig({ baseUrl: service.url, fetch: service.fetch, headers: { authorization: `Bearer ${CLIENT_TOKEN}` } });

t.test('the generated client rejects a response body that breaks the contract', async (t) => {
  // A stand-in fetch answers GET /orders/223 with a wrongly shaped order:
  // the SDK's zod validation must refuse it rather than hand it over.
  const wrong = async () => Response.json({ id: 223, totalfee: '100' });
  await t.rejects(sdk.getOrder!({ path: { orderId: '223' }, fetch: wrong }), /expected string/);
  const res = await sdk.getOrder!({ path: { orderId: '223' } });
  t.equal(res.response.status, 200);
  t.equal(res.data.id, '223');
});

t.test('create, read, list with pagination, update, conflict and delete an order', async (t) => {
  const day = freeSlot();
  const catalogue = await sdk.listServices!();
  const [inspection, analysis] = catalogue.data.data;

  const created = await sdk.createOrder!({
    body: { datetime: at(day, 0), totalfee: 250.5, services: [{ id: inspection.id }] },
  });
  t.equal(created.response.status, 201);
  const order = created.data;
  t.equal(created.response.headers.get('location'), `/orders/${order.id}`);

  t.same((await sdk.getOrder!({ path: { orderId: order.id } })).data, order);

  const later = (
    await sdk.createOrder!({ body: { datetime: at(day, 3 * HOUR), totalfee: 0, services: [{ id: analysis.id }] } })
  ).data;
  const latest = (
    await sdk.createOrder!({ body: { datetime: at(day, 6 * HOUR), totalfee: 0.07, services: [{ id: inspection.id }] } })
  ).data;
  const range = { from: at(day, 0), to: at(day, 24 * HOUR), limit: 2 };
  const first = await sdk.listOrders!({ query: range });
  t.same(
    first.data.data.map((o: { id: string }) => o.id),
    [order.id, later.id],
  );
  const second = await sdk.listOrders!({ query: { ...range, cursor: first.data.nextCursor } });
  t.same(second.data, { data: [latest], nextCursor: null });

  const updated = await sdk.replaceOrder!({
    path: { orderId: order.id },
    body: { datetime: at(day, 0), totalfee: 99.99, services: [{ id: analysis.id }] },
  });
  t.equal(updated.data.totalfee, 99.99);
  t.same(updated.data.services, [analysis]);

  const conflict = await sdk.createOrder!({
    body: { datetime: at(day, HOUR), totalfee: 1, services: [{ id: inspection.id }] },
  });
  t.equal(conflict.response.status, 409);
  zod.zOrderConflictProblem!.parse(conflict.error);
  t.same(conflict.error.conflictingOrderIds, [order.id, later.id]);

  const deleted = await sdk.deleteOrder!({ path: { orderId: order.id } });
  t.equal(deleted.response.status, 204);
  const gone = await sdk.getOrder!({ path: { orderId: order.id } });
  t.equal(gone.response.status, 404);
  zod.zProblem!.parse(gone.error);
  t.equal(gone.error.type, '/problems/not-found');
});
