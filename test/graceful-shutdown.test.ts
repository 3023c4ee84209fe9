// SIGTERM while clients are creating orders: the service stops accepting
// connections, finishes the requests in flight (one of them still sending
// its body when the signal comes), closes its pool and exits 0 within 10 s;
// every order whose 201 a client received is in the database afterwards.
// Runs the real server process on the suite's database (PGlite or PostgreSQL).
import t from 'tap';
import { buildApp } from '../src/app.js';
import { openDatabase } from '../src/db/client.js';
import { apiFor, type Schemas } from './helpers/api.js';
import { assertMatchesContract } from './helpers/contract.js';
import { anOrder, at, freeSlot, THREE_HOURS } from './helpers/fixtures.js';
import { rawConnection, refusesConnections } from './helpers/raw-http.js';
import { serviceDatabase, startServiceProcess } from './helpers/service-process.js';
import { sendChecked } from './helpers/socket.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const GRACE_MS = 200;
// Lines about the process, not a request: start-up (the glue warns once per response media type it has no parser for), listening, shutdown.
const LIFECYCLE =
  /^(ContentTypeParser for '[^']+' not found|API_KEYS is not set|Server listening at|order service ready|shutting down|stopped)/;

t.test('SIGTERM under load: drains, exits 0 within 10 s, and keeps every acknowledged order', async (t) => {
  const database = await serviceDatabase(t);
  // A short grace, so that the request still sending its body outlasts it.
  const service = await startServiceProcess(t, { ...database.env, SHUTDOWN_GRACE_MS: String(GRACE_MS) });
  const slot = new Date(Date.UTC(2200, 0, 1)); // far from freeSlot()'s days: the load takes many slots
  let next = 0;
  const acknowledged: Schemas['Order'][] = [];
  const unexpected: number[] = [];
  let signalled = false;

  // Eight clients create orders, each in a free slot, until the service goes away.
  const client = async () => {
    while (true) {
      try {
        const res = await sendChecked(service.url, {
          method: 'POST',
          path: '/orders',
          body: anOrder({ datetime: at(slot, next++ * THREE_HOURS) }),
        });
        if (res.status === 201) acknowledged.push(res.body);
        else unexpected.push(res.status);
      } catch (error) {
        if (!signalled) throw error;
        return; // refused or closed after the signal: never acknowledged
      }
    }
  };
  const clients = Array.from({ length: 8 }, client);
  await sleep(1000);
  t.ok(acknowledged.length > 0, 'the load is running');

  // A create whose body is half sent when the signal arrives.
  const body = JSON.stringify(anOrder({ datetime: at(freeSlot(), 0) }));
  const slow = await rawConnection(service.url);
  slow.write(
    `POST /orders HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
  );
  slow.write(body.slice(0, 10));
  await sleep(100);

  const signalledAt = Date.now();
  signalled = true;
  service.kill('SIGTERM');
  // Polled: on PGlite a loaded process may take a moment to get to the signal.
  let refused = false;
  for (const deadline = Date.now() + 5000; !refused && Date.now() < deadline; await sleep(50)) {
    refused = await refusesConnections(service.url);
  }
  t.ok(refused, 'new connections are refused, before the request in flight is answered');

  await sleep(2 * GRACE_MS); // the grace is over: idle connections are closed, this one is not idle
  slow.write(body.slice(10));
  // Answered with Connection: close, so the service closes the connection after it.
  const inFlight = await slow.response();
  t.equal(inFlight.headers.connection, 'close', 'the answer during the drain closes its connection');
  assertMatchesContract({
    method: 'POST',
    url: '/orders',
    status: inFlight.status,
    headers: inFlight.headers,
    body: inFlight.body,
  });
  t.equal(inFlight.status, 201, 'the request in flight is finished');
  acknowledged.push(JSON.parse(inFlight.body));

  const exit = await service.exited;
  t.ok(Date.now() - signalledAt < 10_000, `exited within 10 s (${Date.now() - signalledAt} ms)`);
  t.same(exit, { code: 0, signal: null }, 'exit code 0');
  await Promise.all(clients);
  t.same(unexpected, [], 'every answer before the exit was a 201');
  t.ok(
    service.logs.some((l) => l.msg === 'stopped'),
    'the pool was closed before exiting',
  );
  const withoutId = service.logs.filter((l) => l.reqId === undefined && !LIFECYCLE.test(String(l.msg)));
  t.same(withoutId, [], 'every log line about a request carries its request id');

  const reopened = await openDatabase(database.config);
  const app = await buildApp({ database: reopened });
  const api = await apiFor(app, reopened);
  for (const order of acknowledged)
    t.same((await api.get(`/orders/${order.id}`)).body, order, `order ${order.id} is stored`);
  await app.close();
  await reopened.close();
});
