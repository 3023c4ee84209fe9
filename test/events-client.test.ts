// docs/consumers.md's typed-client example for the feed, run as a consumer
// would run it: catch up from nothing, make changes, catch up again from
// the stored cursor; each event applied once, in order, with its type narrowed.
import t from 'tap';
import { createOrdersClient, type Event } from '../clients/typescript/src/index.js';
import { anOrder } from './helpers/fixtures.js';
import { CLIENT_TOKEN, startService } from './helpers/server.js';

const service = await startService(t);
const client = createOrdersClient(service.url, { fetch: service.fetch, token: CLIENT_TOKEN });
const deletedVersions: number[] = [];

// As in the docs, but for the console line, which records instead.
async function catchUp(cursor: string | undefined, apply: (event: Event) => Promise<void>) {
  for (;;) {
    const { data, error } = await client.GET('/events', { params: { query: { after: cursor, limit: 200 } } });
    if (error) throw new Error(`${error.type}: ${error.detail}`); // a 410 carries feedStart
    for (const event of data.data) {
      // `type` narrows the event: order events carry version and etag, service events do not.
      if (event.type === 'order.deleted') deletedVersions.push(event.data.version);
      await apply(event);
    }
    cursor = data.nextCursor; // store it with what apply wrote, in one transaction of yours
    if (!data.hasMore) return cursor;
  }
}

/** What a consumer keeps: the orders it knows of, by id, at their latest version. */
const known = new Map<string, number>();
const apply = async (event: Event) => {
  if (event.type === 'order.deleted') known.delete(event.data.object.id);
  else if (event.type === 'order.created' || event.type === 'order.updated')
    known.set(event.data.object.id, event.data.version);
};

const post = (body: unknown) =>
  client.POST('/orders', { body: body as ReturnType<typeof anOrder> }).then(({ data }) => data!);

t.test('a consumer that catches up twice knows exactly the orders that exist, at their versions', async (t) => {
  let cursor = await catchUp(undefined, apply);
  const a = await post(anOrder());
  const b = await post(anOrder());
  const put = await client.PUT('/orders/{orderId}', { params: { path: { orderId: a.id } }, body: anOrder() });
  t.equal(put.response.status, 200);
  await client.DELETE('/orders/{orderId}', { params: { path: { orderId: b.id } } });
  // Changes commit before their answers; the feed may hand them out a moment later.
  const deadline = Date.now() + 30_000;
  while (!known.has(a.id) || known.get(a.id) !== 2 || deletedVersions.length === 0) {
    if (Date.now() > deadline) break;
    cursor = await catchUp(cursor, apply);
  }
  t.equal(known.get(a.id), 2, 'a at version 2');
  t.notOk(known.has(b.id), 'b gone');
  t.same(deletedVersions, [2], "b's delete is its second version");
  const again = await catchUp(cursor, apply);
  t.equal(again, cursor, 'nothing new: the same cursor');
});
