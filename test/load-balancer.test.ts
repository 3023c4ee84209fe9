// deploy/nginx.conf, run by Debian's nginx, in front of three service
// processes on one PostgreSQL, wired as docker-compose.yml wires it (only
// the upstream addresses and the listen port differ; see helpers/nginx.ts).
// Which process served a request is read from its own log: every request
// carries an x-request-id of the test's, which the service logs as reqId.
// A kill or a stop always meets creates in flight in that process: they are
// held there by a table lock (helpers/create-load.ts), not caught by timing.
import postgres from 'postgres';
import t from 'tap';
import {
  type Create,
  createLoad,
  holdCreates,
  inFlightAt,
  logged,
  serviceCreateLoad,
  waitingOnLocks,
} from './helpers/create-load.js';
import { serverUrl } from './helpers/database.js';
import { nginxInstalled, type Proxied, startNginx } from './helpers/nginx.js';
import { refusesConnections } from './helpers/raw-http.js';
import { type ServiceProcess, serviceDatabase, startServiceProcess } from './helpers/service-process.js';
import { sendChecked } from './helpers/socket.js';

const skip = !serverUrl
  ? 'three processes share one PostgreSQL: set TEST_DATABASE_URL'
  : !nginxInstalled
    ? 'nginx is not installed (apt-get install nginx; .ci/run does)'
    : false;
// Each part's creates in a time range of its own, far from the sample orders.
const LOAD_FROM = new Date(Date.UTC(2300, 0, 1));
const TERM_FROM = new Date(Date.UTC(2400, 0, 1));
const AFTER_TERM = new Date(Date.UTC(2500, 0, 1));

/** Resolves once `check()` holds; throws, naming `what`, after `ms`. */
async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  for (const deadline = Date.now() + ms; !(await check()); ) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

t.test('deploy/nginx.conf in front of three service processes on one PostgreSQL', { skip }, async (t) => {
  const database = await serviceDatabase(t);
  if (database.config.kind !== 'postgres') throw new Error('unreachable: skipped without PostgreSQL');
  const sql = postgres(database.config.url, { max: 2, onnotice: () => {} });
  t.teardown(() => sql.end({ timeout: 1 }));
  const starting = Date.now();
  const services = await Promise.all([0, 1, 2].map(() => startServiceProcess(t, database.env)));
  t.comment(`three service processes ready in ${Date.now() - starting} ms`);
  const [victim, ...survivors] = services as [ServiceProcess, ServiceProcess, ServiceProcess];
  const hosts = services.map((s) => new URL(s.url).host);
  const nginx = await startNginx(t, hosts);
  /** The processes that received request `id`, once per arrival. */
  const servedBy = (id: string) => services.flatMap((s, i) => Array(logged(s, id)).fill(i) as number[]);
  /** nginx's access log by request id, once it holds every one of `ids` (nginx writes it as it answers). */
  const proxiedAll = async (ids: string[]) => {
    let byId = new Map<string, Proxied>();
    await waitFor('every request in the access log', () => {
      byId = new Map(nginx.accessLog().map((p) => [p.id, p]));
      return ids.every((id) => byId.has(id));
    });
    return byId;
  };
  /** Requests received and not yet answered, by the logs of all three. */
  const inFlightAnywhere = (ids: string[]) => services.reduce((n, s) => n + inFlightAt(s, ids).length, 0);

  t.test('round-robin: nine requests in a row reach each process three times', async (t) => {
    const ids = Array.from({ length: 9 }, (_, i) => `round-robin-${i}`);
    for (const id of ids) {
      const res = await sendChecked(nginx.url, { path: '/healthz', headers: { 'x-request-id': id } });
      t.equal(res.status, 200);
      t.equal(res.headers['x-request-id'], id, 'the request id passes through nginx both ways');
    }
    await waitFor('every request in a log', () => ids.every((id) => servedBy(id).length > 0));
    t.same(
      ids.map((id) => servedBy(id).length),
      Array(9).fill(1),
      'each request reached one process, once',
    );
    t.same(
      [0, 1, 2].map((i) => ids.filter((id) => servedBy(id)[0] === i).length),
      [3, 3, 3],
      'three to each',
    );
  });

  t.test('SIGKILL under a load of creates: nothing acknowledged lost, nothing sent retried', async (t) => {
    const load = createLoad(nginx.url, 6, LOAD_FROM);
    t.teardown(load.stop); // also when a step below fails
    const ids = () => load.sent.map((c) => c.id);
    const served = (s: ServiceProcess, from = 0) => load.sent.filter((c) => c.startedAt > from && logged(s, c.id));
    await waitFor('every process serving creates', () => services.every((s) => served(s).length >= 10), 20_000);
    // Kill it while creates it received are held in flight (every one in flight anywhere waits on the lock).
    const release = await holdCreates(sql);
    t.teardown(release);
    await waitFor(
      'creates held in flight at the process to be killed',
      async () => inFlightAt(victim, ids()).length > 0 && (await waitingOnLocks(sql)) === inFlightAnywhere(ids()),
    );
    const caught = inFlightAt(victim, ids());
    victim.kill('SIGKILL');
    await victim.exited;
    const exitedAt = Date.now();
    await release();
    await waitFor('the others serving after the kill', () => survivors.every((s) => served(s, exitedAt).length >= 10));
    await load.stop();

    const status = (id: string) => load.sent.find((c) => c.id === id)!.status;
    t.same(caught.map(status), Array(caught.length).fill(503), `the ${caught.length} held at the killed process: 503`);
    const acknowledged = load.sent.filter((c) => c.status === 201);
    const unavailable = load.sent.filter((c) => c.status === 503);
    t.same(
      load.sent.filter((c) => c.status !== 201 && c.status !== 503),
      [],
      'every create was answered 201, or 503 by nginx: no 409 (a retry of one already created)',
    );
    const proxied = await proxiedAll(ids());
    for (const c of unavailable) {
      t.equal(c.body?.type, '/problems/unavailable', `${c.id}: the config's @unavailable answered`);
      t.ok(c.startedAt < exitedAt, `${c.id} was sent before the process was gone`);
      t.same(proxied.get(c.id)?.upstreams, [hosts[0]], `${c.id} went to the killed process, and nowhere else`);
    }
    t.same(
      load.sent.filter((c) => servedBy(c.id).length > 1),
      [],
      'no request reached more than one process (or one twice)',
    );
    for (const c of load.sent.filter((c) => proxied.get(c.id)!.upstreams.length > 1))
      t.equal(logged(victim, c.id), 0, `${c.id}, moved to another process, had not reached the killed one`);

    const stored = await sql<{ id: string; datetime: Date }[]>`
      select id::text, datetime from orders where datetime >= ${LOAD_FROM} and datetime < ${TERM_FROM}`;
    const storedAt = new Map(stored.map((o) => [o.datetime.toISOString(), o.id]));
    t.same(
      acknowledged.filter((c) => storedAt.get(c.datetime) !== c.body?.id),
      [],
      `all ${acknowledged.length} acknowledged orders are stored, with the id answered`,
    );
    const sentTo503 = new Set(unavailable.map((c) => c.datetime));
    const extra = stored.filter((o) => !acknowledged.some((c) => c.body?.id === o.id));
    t.same(
      extra.filter((o) => !sentTo503.has(o.datetime.toISOString())),
      [],
      `every stored order not acknowledged was a 503 sent to the killed process (${extra.length} of them)`,
    );
    t.comment(`${unavailable.length} answered 503, ${caught.length} of them held at the kill`);
  });

  t.test('SIGTERM under a load of creates: those in flight finish 201, no request fails, it exits 0', async (t) => {
    const load = createLoad(nginx.url, 6, TERM_FROM);
    t.teardown(load.stop);
    // POSTs the lock does not hold: nginx keeps writing them on its pooled
    // connections to the stopping process while it drains.
    const unheld = serviceCreateLoad(nginx.url, 6);
    t.teardown(unheld.stop);
    const ids = () => load.sent.map((c) => c.id);
    const served = (s: ServiceProcess, from = 0) => load.sent.filter((c) => c.startedAt > from && logged(s, c.id));
    await waitFor('both left serving creates', () => survivors.every((s) => served(s).length >= 5), 20_000);
    // Stop it while creates it received are held in flight (every one in flight anywhere waits on the lock).
    const release = await holdCreates(sql);
    t.teardown(release);
    const [stopping, last] = survivors;
    await waitFor(
      'creates held in flight at the process to be stopped',
      async () => inFlightAt(stopping, ids()).length > 0 && (await waitingOnLocks(sql)) === inFlightAnywhere(ids()),
    );
    const inFlight = inFlightAt(stopping, ids());
    const signalledAt = Date.now();
    stopping.kill('SIGTERM');
    await waitFor('the stopping process refusing connections', () => refusesConnections(stopping.url));
    await release();
    t.same(await stopping.exited, { code: 0, signal: null }, 'the stopped process exited 0');
    const exitedAt = Date.now();
    await waitFor('the last one serving after', () => served(last, exitedAt).length >= 10);
    await Promise.all([load.stop(), unheld.stop()]);
    // Its log lines arrive through a pipe, possibly after its answers and its exit.
    await waitFor('its log read', () => stopping.logs.some((l) => l.msg === 'stopped'));

    const status = (id: string) => load.sent.find((c) => c.id === id)!.status;
    t.same(inFlight.map(status), Array(inFlight.length).fill(201), `the ${inFlight.length} in flight at the stop: 201`);
    t.same(
      inFlight.filter((id) => logged(stopping, id, 'request completed') !== 1),
      [],
      'each completed in the process that was stopping',
    );
    // A process that closed an idle pooled connection just as nginx wrote a
    // POST on it would cost that POST a 503 (nginx does not resend a POST it
    // has written): while it drains, it answers on them instead (drain.ts).
    const failed = (sent: Create[]) => sent.filter((c) => c.status !== 201).map((c) => `${c.id}: ${c.status}`);
    t.same(failed(load.sent), [], `all ${load.sent.length} creates of orders answered 201`);
    const drainedBy = (id: string) => logged(stopping, id, 'request completed') > 0;
    t.same(
      failed(unheld.sent),
      [],
      `all ${unheld.sent.length} creates of services answered 201, ${unheld.sent.filter((c) => drainedBy(c.id) && c.startedAt > signalledAt).length} by the stopping process after the signal`,
    );
    const stored = await sql<{ id: string }[]>`
      select id::text from orders where datetime >= ${TERM_FROM} and datetime < ${AFTER_TERM}`;
    t.same(
      stored.map((o) => o.id).sort(),
      load.sent
        .filter((c) => c.status === 201)
        .map((c) => c.body!.id)
        .sort(),
      'the orders stored are exactly those acknowledged',
    );
    t.comment(`${inFlight.length} in flight at the stop`);
  });

  t.test('all down: nginx answers 503 problem+json with Retry-After', async (t) => {
    for (const s of services) s.kill('SIGKILL');
    await Promise.all(services.map((s) => s.exited));
    const res = await sendChecked(nginx.url, { path: '/orders' });
    t.equal(res.status, 503);
    t.equal(res.headers['content-type'], 'application/problem+json');
    t.equal(res.headers['retry-after'], '5');
    t.same(res.body, {
      type: '/problems/unavailable',
      title: 'Service unavailable',
      status: 503,
      detail: 'No replica of the service is reachable; retry later.',
    });
  });
});
