// A cursor is opaque, and only what this service gave out is one: anything
// else, however it decodes (instants PostgreSQL cannot hold, ids beyond
// bigint, other spellings of a real cursor, a position outside its own
// range), is a 400 naming `cursor`, and never an error in the log.
import { Writable } from 'node:stream';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { apiFor } from './helpers/api.js';
import { freshDatabase } from './helpers/database.js';
import { anOrder, at, freeSlot, HOUR } from './helpers/fixtures.js';

const errorLines: unknown[] = [];
const stream = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      const entry = JSON.parse(line) as { level: number };
      if (entry.level >= 50) errorLines.push(entry);
    }
    done();
  },
});
const database = await freshDatabase(t);
const app = await buildApp({ database, logger: { level: 'info', stream } });
t.teardown(() => app.close());
const api = await apiFor(app, database);

const encoded = (text: string) => Buffer.from(text).toString('base64url');

// The instants a date-time can name: years 0001 to 9999.
const firstMs = Date.parse('0001-01-01T00:00:00.000Z');
const lastMs = Date.parse('9999-12-31T23:59:59.999Z');

// A real cursor, to spell differently: after the first of two orders.
const slot = freeSlot();
const range = `from=${encodeURIComponent(slot.toISOString())}&to=${encodeURIComponent(at(slot, 6 * HOUR))}`;
const first = (await api.post('/orders', anOrder({ datetime: slot.toISOString() }))).body;
const second = (await api.post('/orders', anOrder({ datetime: at(slot, 3 * HOUR) }))).body;
const firstPage = await api.get(`/orders?${range}&limit=1`);
const issued: string = firstPage.body.nextCursor;

const forged: [string, string][] = [
  ['an instant past what PostgreSQL holds', encoded('999999999999999:1::')],
  ['an instant before the year 0001', encoded('-62135596800001:0::')],
  ['a `to` in the year 10000', encoded('0:0:253402300800000:')],
  ['an after-instant in the year 10000', encoded('253402300800000:1::')],
  ['a `from` 1 ms before the year 0001', encoded(`${firstMs}:1:${firstMs - 1}:`)],
  ['id 0', encoded('0:0::')],
  ['an id beyond bigint', encoded('0:9223372036854775808::')],
  ['an id of 20 digits', encoded('0:99999999999999999999::')],
  ['leading zeros in the id', encoded(`${slot.getTime()}:0${first.id}::`)],
  ['leading zeros in the instant', encoded('01000:1::')],
  ['-0 for an instant', encoded('-0:1::')],
  ['a fraction of a millisecond', encoded('1.5:1::')],
  ['a character the decoder drops', `${issued}A`],
  ['stray bits in the last character', issued.slice(0, -1) + (issued.at(-1) === 'A' ? 'B' : 'A')],
  ['a position before its own `from`', encoded(`${Date.UTC(2031, 0, 1)}:1:${Date.UTC(2031, 0, 2)}:`)],
  ['a position at its own `to`', encoded(`${Date.UTC(2031, 0, 2)}:1::${Date.UTC(2031, 0, 2)}`)],
  ['a `from` after its `to`', encoded(`${Date.UTC(2031, 0, 2)}:1:${Date.UTC(2031, 0, 3)}:${Date.UTC(2031, 0, 1)}`)],
  ['four fields and a fifth', encoded(`${firstMs}:1:::`)],
];

t.test('a cursor the service gave out leads to the next page', async (t) => {
  t.same(
    firstPage.body.data.map((o: { id: string }) => o.id),
    [first.id],
  );
  const next = await api.get(`/orders?limit=1&cursor=${issued}`);
  t.equal(next.status, 200);
  t.same(
    next.body.data.map((o: { id: string }) => o.id),
    [second.id],
  );
});

t.test('positions at either end of the date-time range are still positions', async (t) => {
  for (const text of [`${firstMs}:1::`, `${lastMs}:9223372036854775807::`, `${firstMs}:1:${firstMs}:${lastMs}`]) {
    const res = await api.get(`/orders?cursor=${encoded(text)}`);
    t.equal(res.status, 200, text);
  }
});

for (const [name, cursor] of forged) {
  t.test(`a cursor with ${name} is a 400 naming cursor`, async (t) => {
    t.not(cursor, issued);
    const res = await api.get(`/orders?cursor=${cursor}`);
    t.equal(res.status, 400);
    t.match(res.headers['content-type'], /^application\/problem\+json/);
    t.same(
      res.body.errors.map((e: { pointer: string }) => e.pointer),
      ['#/cursor'],
    );
  });
}

t.test('no forged cursor made the service log an error', async (t) => {
  t.same(errorLines, []);
});
