// Service names a person can see and read as they are: invisible, control
// and bidirectional-control characters are refused on create and rename; the
// 100-character limit counts code points.
import t from 'tap';
import { buildTestApi } from './helpers/api.js';

const api = await buildTestApi(t);
const catalogue = async () => (await api.get('/services')).body.data;

for (const [what, name, detail] of [
  ['100 zero-width spaces', '\u200b'.repeat(100), /visible/],
  ['100 U+0001', '\u0001'.repeat(100), /control/],
  ['a right-to-left override', '\u202eabc', /bidirectional/],
  ['a left-to-right isolate', 'abc\u2066def', /bidirectional/],
  ['a tab', 'a\tb', /control/],
  ['a C1 control', 'a\u0085b', /control/],
  ['a line separator', 'a\u2028b', /control/],
  ['only combining marks', '\u0301\u0301', /visible/],
  ['only Hangul fillers', '\u3164\u3164', /visible/],
  ['a soft hyphen and a no-break space', '\u00ad\u00a0', /visible/],
  ['only a byte-order mark', '\ufeff', /visible|pattern/],
] as const) {
  t.test(`a name of ${what} is 400 at #/name on POST and PUT, and changes nothing`, async (t) => {
    const before = await catalogue();
    for (const res of [await api.post('/services', { name }), await api.put('/services/456', { name })]) {
      t.equal(res.status, 400);
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      t.match(res.body.errors, [{ in: 'body', pointer: '#/name', detail }]);
    }
    t.same(await catalogue(), before);
  });
}

for (const [what, name] of [
  ['letters with a zero-width joiner', 'ab\u200dc'],
  ['an emoji family (joined by ZWJ)', '👨\u200d👩\u200d👧'],
  ['spaces around a word', '  Survey  '],
  ['an Arabic name', 'تفتيش'],
  ['a decomposed é', 'e\u0301'],
] as const) {
  t.test(`a name of ${what} is accepted as sent`, async (t) => {
    const res = await api.post('/services', { name });
    t.equal(res.status, 201);
    t.equal(res.body.name, name);
  });
}

t.test('the 100-character limit counts code points, not UTF-16 units or bytes', async (t) => {
  const hundred = '😀'.repeat(100); // 200 UTF-16 units, 400 UTF-8 bytes
  const created = await api.post('/services', { name: hundred });
  t.equal(created.status, 201);
  t.equal(created.body.name, hundred);
  t.equal((await api.put(`/services/${created.body.id}`, { name: `${hundred}😀` })).status, 400);
  t.equal((await api.post('/services', { name: `${hundred}x` })).status, 400);
});
