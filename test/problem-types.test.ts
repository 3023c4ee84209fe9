// Problem `type` URIs resolve (RFC 9457 §3.1.1): every /problems/<name> the
// spec names is a page a person can read, open like /docs, with a strict
// Content-Security-Policy; a type the spec does not name is a 404 problem.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { PROBLEM_TYPES } from '../src/http/errors/problem-types.js';
import { buildTestApi } from './helpers/api.js';

const specText = readFileSync(new URL('../openapi/openapi.yaml', import.meta.url), 'utf8');
const named = [...new Set([...specText.matchAll(/\/problems\/([a-z]+(?:-[a-z]+)*)/g)].map(([, name]) => name!))];
const WRITE_KEY = 'problem-pages-write-key-0001';

const api = await buildTestApi(t, { apiKeys: [{ token: WRITE_KEY, scope: 'write' }] });

t.test('the spec names the problem types a client meets', async (t) => {
  for (const name of ['validation', 'not-found', 'order-conflict', 'unauthorized', 'unavailable']) {
    t.ok(named.includes(name), name);
  }
});

t.test('every problem type the spec names resolves to a page, without an API key', async (t) => {
  for (const name of named) {
    const res = await api.get(`/problems/${name}`);
    t.equal(res.status, 200, `/problems/${name}`);
    t.match(res.headers['content-type'], /^text\/html/);
    t.match(res.headers['content-security-policy'], /^default-src 'none';/);
    t.match(res.text, `<code>/problems/${name}</code>`, `the page names /problems/${name}`);
    t.match(res.text, '<a href="/docs#section/Errors">', 'and links to the errors section of /docs');
  }
});

t.test('every kind of problem the service answers is named by the spec, so its type resolves', async (t) => {
  for (const kind of Object.keys(PROBLEM_TYPES)) t.ok(named.includes(kind), `/problems/${kind}`);
});

t.test("a page gives the type's title, status and what it means, from the spec", async (t) => {
  const res = await api.get('/problems/order-conflict');
  t.match(res.text, '<h1>Order conflict</h1>');
  t.match(res.text, 'answered with HTTP status 409');
  t.match(res.text, 'less than 3 hours from the orders in <code>conflictingOrderIds</code>');
});

t.test('the type of a problem the service answers leads to its page', async (t) => {
  const notFound = await api.get('/orders/999999', { authorization: `Bearer ${WRITE_KEY}` });
  t.equal(notFound.status, 404);
  const page = await api.get(notFound.body.type);
  t.equal(page.status, 200);
  t.match(page.text, '<h1>Not found</h1>');
});

t.test('a type the spec does not name is a 404 problem; a malformed one a 400', async (t) => {
  const unknown = await api.get('/problems/no-such-problem');
  t.equal(unknown.status, 404);
  t.match(unknown.body, { type: '/problems/not-found', detail: 'Problem type no-such-problem does not exist.' });
  const malformed = await api.get('/problems/Not_A_Type');
  t.equal(malformed.status, 400);
  t.equal(malformed.body.type, '/problems/validation');
});
