// GET /services pages like /orders (limit, nextCursor), and a caller that
// sends neither still gets the whole catalogue in one answer.
import t from 'tap';
import { buildTestApi } from './helpers/api.js';

const api = await buildTestApi(t);
for (const name of ['Survey', 'Audit', 'Sampling', 'Review', 'Calibration']) await api.post('/services', { name });
const everything = (await api.get('/services')).body;

t.test('without limit or cursor, the whole catalogue comes in one page, as before, with nextCursor null', async (t) => {
  t.equal(everything.data.length, 8);
  t.same(everything.data.slice(0, 3), [
    { id: '123', name: 'Inspection' },
    { id: '456', name: 'Analysis' },
    { id: '789', name: 'Testing' },
  ]);
  t.equal(everything.nextCursor, null);
});

t.test('limit pages through the catalogue by id, each service once, until nextCursor is null', async (t) => {
  const seen = [];
  let url = '/services?limit=3';
  for (let pages = 1; ; pages++) {
    const page = (await api.get(url)).body;
    t.ok(page.data.length <= 3);
    seen.push(...page.data);
    if (page.nextCursor === null) {
      t.equal(pages, 3);
      break;
    }
    url = `/services?limit=3&cursor=${page.nextCursor}`;
  }
  t.same(seen, everything.data);
});

t.test('a page that ends exactly at the last service says so: nextCursor is null', async (t) => {
  const page = (await api.get('/services?limit=8')).body;
  t.equal(page.data.length, 8);
  t.equal(page.nextCursor, null);
});

const forged = (text: string) => Buffer.from(text).toString('base64url');
for (const [what, cursor] of [
  ['not base64 of a cursor', 'abc'],
  ['an id that is not a number', forged('service:x1')],
  ['an id beyond 18 digits', forged('service:9999999999999999999')],
  ['an order cursor', forged('1667301071111:223::')],
  ['a cursor with a leading zero', forged('service:0123')],
] as const) {
  t.test(`a cursor that is ${what} is 400 at #/cursor`, async (t) => {
    const res = await api.get(`/services?cursor=${cursor}`);
    t.equal(res.status, 400);
    t.match(res.body.errors, [{ in: 'query', pointer: '#/cursor' }]);
  });
}

t.test('limit is 1 to 1000', async (t) => {
  for (const limit of ['0', '1001', 'x']) {
    const res = await api.get(`/services?limit=${limit}`);
    t.equal(res.status, 400, `limit=${limit}`);
    t.match(res.body.errors, [{ in: 'query', pointer: '#/limit' }]);
  }
  t.equal((await api.get('/services?limit=1000')).status, 200);
});
