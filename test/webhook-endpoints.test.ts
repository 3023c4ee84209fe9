// Managing webhook endpoints: register (the secret shown once), list, get,
// rotate the secret, delete; bad URLs and forbidden addresses refused,
// naming `url`, and changing nothing; a read key may list but not change.
import t from 'tap';
import { DEFAULT_WEBHOOKS } from '../src/webhooks/settings.js';
import { buildTestApi, type Schemas } from './helpers/api.js';

const writeToken = 'webhooks-write-token-0001';
const readToken = 'webhooks-read-token-00001';
const api = await buildTestApi(t, {
  apiKeys: [
    { token: writeToken, scope: 'write' },
    { token: readToken, scope: 'read' },
  ],
  // The operator allows this one loopback address (as tests and local runs do).
  webhooks: { ...DEFAULT_WEBHOOKS, allowedHosts: new Set(['127.0.0.1']) },
});
const asWriter = { authorization: `Bearer ${writeToken}` };
const asReader = { authorization: `Bearer ${readToken}` };
const register = (body: unknown) => api.post('/webhook-endpoints', body, asWriter);
/** A POST without a body, as the operations that take none expect. */
const postEmpty = <Body = Record<string, never>>(url: string, headers = asWriter) =>
  api.request<Body>({ method: 'POST', url, headers });
const count = async () => (await api.get('/webhook-endpoints?limit=200', asReader)).body.data.length;

t.test('POST /webhook-endpoints registers an endpoint and shows its secret only in that answer', async (t) => {
  const res = await register({
    url: 'https://receiver.example.com/hooks',
    eventTypes: ['order.created'],
    description: 'Billing',
  });
  t.equal(res.status, 201);
  t.equal(res.headers.location, `/webhook-endpoints/${res.body.id}`);
  t.match(res.body, {
    url: 'https://receiver.example.com/hooks',
    eventTypes: ['order.created'],
    description: 'Billing',
    status: 'enabled',
    disabledReason: null,
  });
  t.match(res.body.secret, /^whsec_[A-Za-z0-9+/]{32}$/);
  const fetched = await api.get(`/webhook-endpoints/${res.body.id}`, asReader);
  t.equal(fetched.status, 200);
  t.notOk('secret' in fetched.body, 'GET never shows the secret');
  const { secret: _secret, ...shown } = res.body;
  t.same(fetched.body, shown);
});

t.test('an endpoint registered without eventTypes receives every type', async (t) => {
  const res = await register({ url: 'http://receiver.example.com/all' });
  t.equal(res.status, 201);
  t.same(res.body.eventTypes, [
    'order.created',
    'order.updated',
    'order.deleted',
    'service.created',
    'service.updated',
    'service.deleted',
  ]);
  t.equal(res.body.description, '');
});

t.test('bad URLs and event types are 400 naming the field, and register nothing', async (t) => {
  const before = await count();
  const cases: [unknown, string][] = [
    [{ url: 'ftp://receiver.example.com/' }, '#/url'],
    [{ url: 'receiver.example.com/hooks' }, '#/url'],
    [{ url: 'https://user:secret@receiver.example.com/' }, '#/url'],
    [{ url: 'https://:443/hooks' }, '#/url'],
    [{ url: `https://receiver.example.com/${'a'.repeat(2000)}` }, '#/url'],
    [{ url: 'https://receiver.example.com/', eventTypes: ['order.exploded'] }, '#/eventTypes/0'],
    [{ url: 'https://receiver.example.com/', eventTypes: [] }, '#/eventTypes'],
    [{ url: 'https://receiver.example.com/', colour: 'red' }, '#'],
  ];
  for (const [body, pointer] of cases) {
    const res = await register(body);
    t.equal(res.status, 400, JSON.stringify(body).slice(0, 80));
    t.ok(
      res.body.errors.some((e: { pointer: string }) => e.pointer === pointer || e.pointer.startsWith(pointer)),
      `names ${pointer}: ${JSON.stringify(res.body.errors)}`,
    );
  }
  t.equal(await count(), before);
});

t.test('loopback, link-local, private and metadata addresses are 422 naming url', async (t) => {
  const before = await count();
  for (const host of [
    '127.0.0.2',
    '127.1.2.3',
    '10.1.2.3',
    '172.16.0.9',
    '192.168.1.1',
    '169.254.169.254',
    '0.0.0.0',
    '[::1]',
    '[fe80::1]',
    '[fd00::5]',
    '[::ffff:127.0.0.1]',
    '[::127.0.0.1]', // IPv4-compatible: the parser writes it ::7f00:1
    '[64:ff9b:1::a00:1]',
    '[2002:7f00:1::1]', // 6to4 around 127.0.0.1
    '[fec0::1]',
    '2130706434', // 127.0.0.2 as one number: URL parsing makes it the address
  ]) {
    const res = await register({ url: `http://${host}:8080/hooks` });
    t.equal(res.status, 422, host);
    t.equal(res.body.type, '/problems/forbidden-address');
    t.equal(res.body.errors[0].pointer, '#/url');
  }
  t.equal(await count(), before);
});

t.test('WEBHOOK_ALLOWED_HOSTS lets the hosts it names be registered, and only those', async (t) => {
  const allowed = await register({ url: 'http://127.0.0.1:9/hooks' });
  t.equal(allowed.status, 201);
  t.equal((await register({ url: 'http://127.0.0.2:9/hooks' })).status, 422);
  t.equal((await api.delete(`/webhook-endpoints/${allowed.body.id}`, asWriter)).status, 204);
});

t.test('GET /webhook-endpoints pages through the endpoints, oldest first', async (t) => {
  for (let i = 0; i < 3; i++) await register({ url: `https://page.example.com/${i}` });
  const all = (await api.get<Schemas['WebhookEndpointList']>('/webhook-endpoints?limit=200', asReader)).body.data;
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
    const page = await api.get<Schemas['WebhookEndpointList']>(`/webhook-endpoints${query}`, asReader);
    t.equal(page.status, 200);
    seen.push(...page.body.data.map((e) => e.id));
    cursor = page.body.nextCursor;
  } while (cursor);
  t.same(
    seen,
    all.map((e) => e.id),
  );
  t.same(
    [...seen].sort((a, b) => Number(a) - Number(b)),
    seen,
  );
  t.equal((await api.get('/webhook-endpoints?cursor=bm9wZQ', asReader)).status, 400);
});

t.test('rotating the secret answers a new one and when the old one stops signing', async (t) => {
  const created = (await register({ url: 'https://rotate.example.com/' })).body;
  const res = await postEmpty<Schemas['WebhookSecret']>(`/webhook-endpoints/${created.id}/rotate-secret`, asWriter);
  t.equal(res.status, 200);
  t.not(res.body.secret, created.secret);
  const hours = (Date.parse(res.body.previousSecretExpiresAt) - Date.now()) / 3_600_000;
  t.ok(hours > 23.9 && hours <= 24, `the old secret signs for 24 hours (${hours})`);
  t.equal((await postEmpty('/webhook-endpoints/4040/rotate-secret', asWriter)).status, 404);
});

t.test('DELETE removes the endpoint; unknown ids are 404', async (t) => {
  const created = (await register({ url: 'https://delete.example.com/' })).body;
  t.equal((await api.delete(`/webhook-endpoints/${created.id}`, asWriter)).status, 204);
  t.equal((await api.get(`/webhook-endpoints/${created.id}`, asReader)).status, 404);
  t.equal((await api.delete(`/webhook-endpoints/${created.id}`, asWriter)).status, 404);
  t.equal((await api.get(`/webhook-endpoints/${created.id}/deliveries`, asReader)).status, 404);
});

t.test('a read key may list and read, not register, rotate, delete or retry', async (t) => {
  const created = (await register({ url: 'https://scopes.example.com/' })).body;
  t.equal((await api.get('/webhook-endpoints', asReader)).status, 200);
  t.equal((await api.get(`/webhook-endpoints/${created.id}/deliveries`, asReader)).status, 200);
  t.equal((await api.post('/webhook-endpoints', { url: 'https://x.example.com/' }, asReader)).status, 403);
  t.equal((await postEmpty(`/webhook-endpoints/${created.id}/rotate-secret`, asReader)).status, 403);
  t.equal((await api.delete(`/webhook-endpoints/${created.id}`, asReader)).status, 403);
  t.equal((await api.get('/webhook-endpoints')).status, 401);
});

t.test('retrying an event that does not exist is 404 and enables nothing', async (t) => {
  const created = (await register({ url: 'https://retry.example.com/' })).body;
  const missing = Buffer.from('ev1.1.999999').toString('base64url');
  const res = await postEmpty(`/webhook-endpoints/${created.id}/deliveries/${missing}/retry`, asWriter);
  t.equal(res.status, 404);
  t.equal((await postEmpty(`/webhook-endpoints/${created.id}/deliveries/not-an-event/retry`, asWriter)).status, 404);
});
