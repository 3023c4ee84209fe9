// Delivering events to webhook endpoints over real sockets: each event once
// in commit order, signed (checked with standardwebhooks), retried on the
// schedule, 410 disabling, a receiver down and back, redelivery by hand,
// names resolving to loopback refused, and both secrets after a rotation.
import t from 'tap';
import { buildTestApi, type Schemas } from './helpers/api.js';
import { anOrder } from './helpers/fixtures.js';
import { startReceiver } from './helpers/webhook-receiver.js';
import { testWebhookSettings, verified, waitFor } from './helpers/webhooks.js';

const api = await buildTestApi(t, { webhooks: testWebhookSettings() });
await api.app.ready();

type Endpoint = Schemas['WebhookEndpointWithSecret'];
const register = async (url: string, eventTypes?: string[]) =>
  (await api.post<Endpoint>('/webhook-endpoints', { url, ...(eventTypes && { eventTypes }) })).body;
const attemptsOf = async (id: string) =>
  (await api.get<Schemas['WebhookAttemptList']>(`/webhook-endpoints/${id}/deliveries?limit=200`)).body.data;
const endpointStatus = async (id: string) =>
  (await api.get<Schemas['WebhookEndpoint']>(`/webhook-endpoints/${id}`)).body;
const newestEvents = async (n: number) => {
  const all: Schemas['Event'][] = [];
  let after: string | undefined;
  for (;;) {
    const page = await api.get<Schemas['EventPage']>(`/events?limit=200${after ? `&after=${after}` : ''}`);
    all.push(...page.body.data);
    after = page.body.nextCursor;
    if (!page.body.hasMore) return all.slice(-n);
  }
};

t.test('a healthy receiver gets every event once, in commit order, signed and as GET /events shows it', async (t) => {
  const receiver = await startReceiver(t);
  const endpoint = await register(receiver.url);
  for (let i = 0; i < 4; i++) t.equal((await api.post('/orders', anOrder())).status, 201);
  t.equal((await api.post('/services', { name: 'Calibration' })).status, 201);
  await receiver.until((r) => r.length >= 5);
  const expected = await newestEvents(5);
  const events = receiver.received.map((delivery) => verified(endpoint.secret, delivery));
  t.same(events, expected, 'the bodies are the feed events, in the feed order');
  t.same(
    receiver.received.map((d) => d.id),
    expected.map((e) => e.id),
    'webhook-id is the event id',
  );
  // Nothing more arrives: each event was delivered once.
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.equal(receiver.received.length, 5);
  const attempts = await attemptsOf(endpoint.id);
  t.equal(attempts.length, 5);
  t.ok(attempts.every((a) => a.statusCode === 200 && a.error === null && a.nextAttemptAt === null));
  t.same(
    attempts.map((a) => a.eventId),
    expected.map((e) => e.id).reverse(),
    'attempts are listed newest first',
  );
  await api.delete(`/webhook-endpoints/${endpoint.id}`);
});

t.test('only the event types an endpoint asked for are sent to it', async (t) => {
  const receiver = await startReceiver(t);
  const endpoint = await register(receiver.url, ['service.created']);
  await api.post('/orders', anOrder());
  const service = (await api.post('/services', { name: 'Filtered' })).body;
  await receiver.until((r) => r.length >= 1);
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.same(
    receiver.received.map((d) => verified(endpoint.secret, d).type),
    ['service.created'],
  );
  t.match(verified(endpoint.secret, receiver.received[0]!), { data: { object: service } });
  await api.delete(`/webhook-endpoints/${endpoint.id}`);
});

t.test('a receiver answering 500 sees the retries on the schedule, then the endpoint is disabled', async (t) => {
  const receiver = await startReceiver(t);
  receiver.answer = () => 500;
  const endpoint = await register(receiver.url, ['order.created']);
  await api.post('/orders', anOrder());
  // One attempt and one per entry of the schedule (100, 200, 400, 800 ms).
  await receiver.until((r) => r.length >= 5);
  await waitFor(async () => (await endpointStatus(endpoint.id)).status === 'disabled', 10_000, 'the endpoint disabled');
  t.equal(receiver.received.length, 5);
  t.equal(new Set(receiver.received.map((d) => d.id)).size, 1, 'every retry carries the same webhook-id');
  const gaps = receiver.received.slice(1).map((d, i) => d.at - receiver.received[i]!.at);
  for (const [i, delay] of [100, 200, 400, 800].entries()) {
    t.ok(gaps[i]! >= delay - 5, `retry ${i + 1} waited ${gaps[i]} ms >= ${delay} ms`);
  }
  t.equal((await endpointStatus(endpoint.id)).disabledReason, 'failing');
  const attempts = await attemptsOf(endpoint.id);
  t.same(
    attempts.map((a) => a.statusCode),
    [500, 500, 500, 500, 500],
  );
  t.equal(attempts[0]!.nextAttemptAt, null, 'the last attempt schedules none');
  t.ok(attempts.slice(1).every((a) => a.nextAttemptAt !== null && a.error === 'answered 500'));
  await api.delete(`/webhook-endpoints/${endpoint.id}`);
});

t.test('410 disables the endpoint at once; a retry by hand enables it and delivers again', async (t) => {
  const receiver = await startReceiver(t);
  receiver.answer = () => 410;
  const endpoint = await register(receiver.url, ['order.created']);
  await api.post('/orders', anOrder());
  await waitFor(async () => (await endpointStatus(endpoint.id)).status === 'disabled', 10_000, 'disabled');
  t.equal((await endpointStatus(endpoint.id)).disabledReason, 'gone');
  await api.post('/orders', anOrder());
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.equal(receiver.received.length, 1, 'nothing more is sent to a disabled endpoint');

  receiver.answer = () => 204;
  const eventId = receiver.received[0]!.id;
  const retried = await api.request<Schemas['WebhookRedelivery']>({
    method: 'POST',
    url: `/webhook-endpoints/${endpoint.id}/deliveries/${eventId}/retry`,
  });
  t.equal(retried.status, 202);
  t.equal(retried.body.eventId, eventId);
  await receiver.until((r) => r.length >= 2);
  t.equal(receiver.received[1]!.id, eventId, 'the same event, with the same webhook-id');
  t.same(await endpointStatus(endpoint.id), {
    ...(await endpointStatus(endpoint.id)),
    status: 'enabled',
    disabledReason: null,
  });
  await api.delete(`/webhook-endpoints/${endpoint.id}`);
});

t.test('a receiver that is down for a while gets every event once it is back', async (t) => {
  const receiver = await startReceiver(t);
  const endpoint = await register(receiver.url, ['order.created']);
  await receiver.stop();
  const created = [];
  for (let i = 0; i < 3; i++) created.push((await api.post<Schemas['Order']>('/orders', anOrder())).body.id);
  await waitFor(async () => (await attemptsOf(endpoint.id)).length >= 3, 10_000, 'failed attempts');
  t.ok((await attemptsOf(endpoint.id)).every((a) => a.error === 'connection refused'));
  await receiver.start();
  await receiver.until((r) => new Set(r.map((d) => d.id)).size >= 3);
  const ids = receiver.received.map((d) => (verified(endpoint.secret, d).data as { object: { id: string } }).object.id);
  t.same([...new Set(ids)].sort(), [...created].sort());
  await api.delete(`/webhook-endpoints/${endpoint.id}`);
});

t.test('a host name that resolves to a loopback address is refused at delivery', async (t) => {
  const receiver = await startReceiver(t);
  const endpoint = await register(`http://localhost:${receiver.port}/hooks`, ['order.created']);
  await api.post('/orders', anOrder());
  await waitFor(async () => (await attemptsOf(endpoint.id)).length >= 1, 10_000, 'an attempt');
  const [attempt] = await attemptsOf(endpoint.id);
  t.match(attempt!.error, /^refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address$/);
  t.equal(attempt!.statusCode, null);
  t.equal(receiver.received.length, 0, 'nothing reached the loopback receiver');
  await api.delete(`/webhook-endpoints/${endpoint.id}`);
});

t.test('after a rotation, deliveries verify with the new secret and with the old one', async (t) => {
  const receiver = await startReceiver(t);
  const endpoint = await register(receiver.url, ['order.created']);
  const rotated = await api.request<Schemas['WebhookSecret']>({
    method: 'POST',
    url: `/webhook-endpoints/${endpoint.id}/rotate-secret`,
  });
  await api.post('/orders', anOrder());
  await receiver.until((r) => r.length >= 1);
  const [delivery] = receiver.received;
  t.equal(delivery!.signature.split(' ').length, 2);
  t.equal(verified(rotated.body.secret, delivery!).type, 'order.created');
  t.equal(verified(endpoint.secret, delivery!).type, 'order.created');
  t.throws(() => verified('whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', delivery!), 'another secret does not verify');
  await api.delete(`/webhook-endpoints/${endpoint.id}`);
});
