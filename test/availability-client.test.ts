// docs/pending/availability.md's typed-client example, run as a consumer
// would run it: "find the next free slot after T, then book it", over HTTP
// with the package's client, twice, and once more when a competitor takes
// the slot between the look-up and the POST (the 409's nearestAvailable).

import t from 'tap';
import { createOrdersClient } from '../clients/typescript/src/index.js';
import { at, freeSlot, HOUR } from './helpers/fixtures.js';
import { CLIENT_TOKEN, startService } from './helpers/server.js';

const service = await startService(t);
const client = createOrdersClient(service.url, { fetch: service.fetch, token: CLIENT_TOKEN });
// Stands in for another client booking between our look-up and our POST.
let beforePost: () => Promise<void> = async () => {};

// As in the docs, but for the `beforePost` hook.
async function bookNextFree(notBefore: Date, services: { id: string }[], totalfee: number) {
  const to = new Date(notBefore.getTime() + 7 * 24 * 3_600_000).toISOString();
  const { data, error } = await client.GET('/availability', {
    params: { query: { from: notBefore.toISOString(), to } },
  });
  if (error) throw new Error(error.detail);
  let slot: string | null | undefined = data.data[0]?.start;
  const idempotencyKey = crypto.randomUUID(); // one booking, however often it is retried
  const book = (datetime: string) =>
    client.POST('/orders', {
      params: { header: { 'Idempotency-Key': idempotencyKey } },
      body: { datetime, totalfee, services },
    });
  for (let attempt = 0; slot && attempt < 5; attempt++) {
    await beforePost();
    const { data: order, error: problem } = await book(slot);
    if (order) return order; // 201: booked
    if (problem?.type !== '/problems/order-conflict' || !('nearestAvailable' in problem))
      throw new Error(problem?.detail);
    slot = problem.nearestAvailable?.after; // taken meanwhile: the next instant that fits
  }
  return undefined; // nothing free within reach
}

t.test('the next free slot after T, booked; twice; and again when a competitor wins the first try', async (t) => {
  const day = freeSlot();
  const notBefore = new Date(day.getTime() + 9 * HOUR);
  t.equal((await bookNextFree(notBefore, [{ id: '123' }], 100))?.datetime, at(day, 9 * HOUR));
  t.equal((await bookNextFree(notBefore, [{ id: '123' }], 100))?.datetime, at(day, 12 * HOUR));

  beforePost = async () => {
    beforePost = async () => {};
    const taken = await client.POST('/orders', {
      body: { datetime: at(day, 16 * HOUR), totalfee: 1, services: [{ id: '123' }] },
    });
    t.equal(taken.response.status, 201, 'the competitor books 16:00, in the way of 15:00');
  };
  t.equal((await bookNextFree(notBefore, [{ id: '123' }], 100))?.datetime, at(day, 19 * HOUR), 'then 3 h after it');
});
