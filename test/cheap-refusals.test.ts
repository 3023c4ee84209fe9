// A body up to the 64 KiB limit is refused in about the time a valid request
// takes, however many items it holds: an array far over `maxItems` with
// unique items once cost a second of blocked event loop per request (ajv's
// pairwise uniqueItems, run twice). And a validation problem lists at most
// 50 inputs, saying how many more failed, rather than 12,000.
import t from 'tap';
import { buildTestApi } from './helpers/api.js';
import { anOrder } from './helpers/fixtures.js';

const api = await buildTestApi(t);

const refs = (count: number) => Array.from({ length: count }, (_, i) => ({ id: String(i) }));
// 4,756 refs make a 64 KiB body, the most the body limit lets through.
const crowded = { datetime: '2030-01-01T00:00:00Z', totalfee: 1, services: refs(4756) };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

// Timed in-process (app.inject), whatever the transport: under CONTRACT_PROXY=prism
// the proxy's own parsing of a 64 KiB body would be timed, not the service's.
async function timed(body: unknown, status: number): Promise<number> {
  const started = performance.now();
  const res = await api.app.inject({ method: 'POST', url: '/orders', payload: body as object });
  const elapsed = performance.now() - started;
  if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}`);
  return elapsed;
}

t.test('a 64 KiB body of 4,756 services is refused about as fast as a valid POST is served', async (t) => {
  t.equal(Buffer.byteLength(JSON.stringify(crowded)), 64 * 1024 - 1, 'one byte under the body limit');
  // Warm up both paths, then alternate, so that load on the machine falls on both alike.
  await timed(crowded, 400);
  await timed(anOrder(), 201);
  const refused: number[] = [];
  const served: number[] = [];
  for (let round = 0; round < 15; round++) {
    refused.push(await timed(crowded, 400));
    served.push(await timed(anOrder(), 201));
  }
  t.ok(
    median(refused) <= 3 * median(served),
    `median refusal ${median(refused).toFixed(1)} ms within 3x the median create ${median(served).toFixed(1)} ms`,
  );
});

t.test('a crowded body is told what is wrong with it, once', async (t) => {
  const res = await api.post('/orders', crowded);
  t.same(res.body.errors, [{ in: 'body', pointer: '#/services', detail: 'must NOT have more than 20 items' }]);
});

t.test('duplicate services are still found, whatever the key order', async (t) => {
  const res = await api.post('/orders', anOrder({ services: [{ id: '123' }, { id: '789' }, { id: '123' }] }));
  t.equal(res.status, 400);
  t.same(res.body.errors, [
    { in: 'body', pointer: '#/services', detail: 'must NOT have duplicate items (items ## 0 and 2 are identical)' },
  ]);
});

t.test('12,001 invalid services: 50 errors listed, and how many more', async (t) => {
  const res = await api.post('/orders', { services: Array.from({ length: 12_001 }, (_, i) => i) });
  t.equal(res.status, 400);
  // 12,001 items that are not objects, one maxItems, and the missing datetime and totalfee.
  t.equal(res.body.errors.length, 50);
  t.equal(res.body.errorsOmitted, 12_004 - 50);
  t.equal(res.body.detail, 'The request has 12004 invalid inputs; the first 50 are listed.');
  t.ok(res.text.length < 10_000, `${res.text.length} bytes`);
});

t.test('the cap counts exactly: 50 errors are all listed, 51 leave one out', async (t) => {
  // n services that are not objects (over maxItems 20), one maxItems, datetime and totalfee missing.
  const fifty = await api.post('/orders', { services: Array.from({ length: 47 }, (_, i) => i) });
  t.equal(fifty.body.errors.length, 50);
  t.notOk('errorsOmitted' in fifty.body, 'nothing left out');
  t.equal(fifty.body.detail, 'The request has 50 invalid inputs.');
  const fiftyOne = await api.post('/orders', { services: Array.from({ length: 48 }, (_, i) => i) });
  t.equal(fiftyOne.body.errors.length, 50);
  t.equal(fiftyOne.body.errorsOmitted, 1);
});
