// GET /availability at its exact boundaries: every returned window starts
// and ends on an instant a POST accepts, and 1 ms outside an edge that an
// order makes is a 409. Each test takes its own day and keeps its orders and
// ranges between 03:00 and 21:00 of it, so neighbouring days never reach in.
import t from 'tap';
import { buildTestApi } from './helpers/api.js';
import { anOrder, at, freeSlot, HOUR } from './helpers/fixtures.js';

const api = await buildTestApi(t);

async function book(datetime: string): Promise<string> {
  const res = await api.post('/orders', anOrder({ datetime }));
  if (res.status !== 201) throw new Error(`setup failed: ${res.status} ${res.text}`);
  return res.body.id;
}

const query = (from: string, to: string, extra = '') =>
  `/availability?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}${extra}`;

async function windows(from: string, to: string, extra = '') {
  const res = await api.get(query(from, to, extra));
  if (res.status !== 200) throw new Error(`availability: ${res.status} ${res.text}`);
  return res.body.data as { start: string; end: string }[];
}

/** POSTs at `datetime` and deletes the order again, so the day is as it was; the status of the POST. */
async function tryBooking(datetime: string): Promise<number> {
  const res = await api.post('/orders', anOrder({ datetime }));
  if (res.status === 201) await api.delete(`/orders/${res.body.id}`);
  return res.status;
}

/** The same instant written at +05:30. */
const inIndia = (iso: string) => {
  const shifted = new Date(Date.parse(iso) + 5.5 * HOUR).toISOString();
  return shifted.replace('Z', '+05:30');
};

t.test('a range with no order within 3 hours of it is one window, the whole range', async (t) => {
  const day = freeSlot();
  t.same(await windows(at(day, 3 * HOUR), at(day, 21 * HOUR)), [{ start: at(day, 3 * HOUR), end: at(day, 21 * HOUR) }]);
});

t.test('each window starts and ends on a bookable instant; 1 ms outside an order-made edge is a 409', async (t) => {
  const day = freeSlot();
  await book(at(day, 8 * HOUR));
  await book(at(day, 15 * HOUR));
  const from = at(day, 3 * HOUR);
  const to = at(day, 21 * HOUR);
  const expected = [
    { start: from, end: at(day, 5 * HOUR) },
    { start: at(day, 11 * HOUR), end: at(day, 12 * HOUR) },
    { start: at(day, 18 * HOUR), end: to },
  ];
  t.same(await windows(from, to), expected);
  t.same(await windows(inIndia(from), inIndia(to)), expected, 'offsets name the same instants');

  for (const { start, end } of expected) {
    t.equal(await tryBooking(start), 201, `${start} (a start) is bookable`);
    t.equal(await tryBooking(end), 201, `${end} (an end) is bookable`);
    t.equal(await tryBooking(inIndia(end)), 201, `${end} written at +05:30 is bookable`);
  }
  // The edges the orders make, from both sides of each order.
  for (const edge of [at(day, 5 * HOUR), at(day, 12 * HOUR)]) {
    t.equal(await tryBooking(at(new Date(edge), 1)), 409, `1 ms after the end ${edge} is a 409`);
  }
  for (const edge of [at(day, 11 * HOUR), at(day, 18 * HOUR)]) {
    t.equal(await tryBooking(at(new Date(edge), -1)), 409, `1 ms before the start ${edge} is a 409`);
    t.equal(await tryBooking(inIndia(at(new Date(edge), -1))), 409, 'and so it is written at +05:30');
  }
  t.same(await windows(from, to), expected, 'the trial bookings left nothing behind');
});

t.test('a window may be a single instant: two orders exactly 6 hours apart', async (t) => {
  const day = freeSlot();
  await book(at(day, 6 * HOUR));
  await book(at(day, 12 * HOUR));
  t.same(await windows(at(day, 7 * HOUR), at(day, 11 * HOUR)), [{ start: at(day, 9 * HOUR), end: at(day, 9 * HOUR) }]);
  t.equal(await tryBooking(at(day, 9 * HOUR)), 201);
});

t.test('a range wholly blocked is an empty list', async (t) => {
  const day = freeSlot();
  for (const hour of [6, 9, 12, 15]) await book(at(day, hour * HOUR));
  t.same(await windows(at(day, 3 * HOUR + 1), at(day, 18 * HOUR - 1)), []);
  t.same(await windows(at(day, 3 * HOUR), at(day, 18 * HOUR)), [
    { start: at(day, 3 * HOUR), end: at(day, 3 * HOUR) },
    { start: at(day, 18 * HOUR), end: at(day, 18 * HOUR) },
  ]);
});

t.test('orders just outside [from, to] cut the edges; exactly 3 hours outside they cut nothing', async (t) => {
  const day = freeSlot();
  await book(at(day, 5 * HOUR));
  await book(at(day, 19 * HOUR));
  t.same(await windows(at(day, 8 * HOUR - 1), at(day, 16 * HOUR + 1)), [
    { start: at(day, 8 * HOUR), end: at(day, 16 * HOUR) },
  ]);
  t.same(await windows(at(day, 8 * HOUR), at(day, 16 * HOUR)), [{ start: at(day, 8 * HOUR), end: at(day, 16 * HOUR) }]);
  t.same(await windows(at(day, 8 * HOUR + 1), at(day, 16 * HOUR - 1)), [
    { start: at(day, 8 * HOUR + 1), end: at(day, 16 * HOUR - 1) },
  ]);
});

t.test('excludeOrderId counts that order’s slot as free, as a PUT of it would', async (t) => {
  const day = freeSlot();
  const moving = await book(at(day, 8 * HOUR));
  await book(at(day, 11 * HOUR));
  const from = at(day, 3 * HOUR);
  const to = at(day, 21 * HOUR);
  t.same(await windows(from, to), [
    { start: from, end: at(day, 5 * HOUR) },
    { start: at(day, 14 * HOUR), end: to },
  ]);
  const excluding = await windows(from, to, `&excludeOrderId=${moving}`);
  t.same(excluding, [
    { start: from, end: at(day, 8 * HOUR) },
    { start: at(day, 14 * HOUR), end: to },
  ]);
  const moved = await api.put(`/orders/${moving}`, anOrder({ datetime: excluding[0]!.end }));
  t.equal(moved.status, 200, 'the end of a window counting the order as free takes the PUT');
  const beyond = await api.put(`/orders/${moving}`, anOrder({ datetime: at(day, 8 * HOUR + 1) }));
  t.equal(beyond.status, 409, '1 ms past it does not');
});

t.test('an unknown excludeOrderId is a 404', async (t) => {
  const day = freeSlot();
  const res = await api.get(query(at(day, 3 * HOUR), at(day, 21 * HOUR), '&excludeOrderId=999999'));
  t.equal(res.status, 404);
  t.equal(res.body.type, '/problems/not-found');
  t.match(res.body.detail, '999999');
});

t.test('a range of exactly 31 days is accepted and spans the days', async (t) => {
  const from = '2040-03-01T00:00:00.000Z';
  const to = '2040-04-01T00:00:00.000Z';
  t.same(await windows(from, to), [{ start: from, end: to }]);
});

t.test('the first and last instants of the years 0001–9999 can be asked about', async (t) => {
  const first = '0001-01-01T00:00:00.000Z';
  const last = '9999-12-31T23:59:59.999Z';
  t.same(await windows(first, '0001-01-02T00:00:00.000Z'), [{ start: first, end: '0001-01-02T00:00:00.000Z' }]);
  t.same(await windows('9999-12-31T00:00:00.000Z', last), [{ start: '9999-12-31T00:00:00.000Z', end: last }]);
});

for (const [name, url, pointer] of [
  ['to equal to from', query('2040-01-01T00:00:00Z', '2040-01-01T00:00:00Z'), '#/to'],
  ['to before from', query('2040-01-02T00:00:00Z', '2040-01-01T00:00:00Z'), '#/to'],
  ['31 days and 1 ms', query('2040-03-01T00:00:00Z', '2040-04-01T00:00:00.001Z'), '#/to'],
  ['to written at an offset, 31 days and 1 ms', query('2040-03-01T00:00:00Z', '2040-04-01T05:30:00.001+05:30'), '#/to'],
  ['no from', '/availability?to=2040-01-01T00:00:00Z', '#/from'],
  ['no to', '/availability?from=2040-01-01T00:00:00Z', '#/to'],
  ['a from without an offset', query('2040-01-01T00:00:00', '2040-01-02T00:00:00Z'), '#/from'],
  ['an impossible to', query('2040-01-01T00:00:00Z', '2040-02-30T00:00:00Z'), '#/to'],
  [
    'a malformed excludeOrderId',
    query('2040-01-01T00:00:00Z', '2040-01-02T00:00:00Z', '&excludeOrderId=007'),
    '#/excludeOrderId',
  ],
] as const) {
  t.test(`${name} is a 400 naming ${pointer}`, async (t) => {
    const res = await api.get(url);
    t.equal(res.status, 400);
    t.equal(res.body.type, '/problems/validation');
    t.same(
      res.body.errors.map((e: { in: string; pointer: string }) => [e.in, e.pointer]),
      [['query', pointer]],
    );
  });
}
