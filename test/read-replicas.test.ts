// DATABASE_READ_URL against a real PostgreSQL 15 hot standby, streaming
// from a primary of the test's own (helpers/standby.ts). Which database a
// read went to shows in what it sees: with replay paused on the standby, a
// read there does not see an order just created on the primary.
// Replica down: every read is answered from the primary, none fails.
import t, { type Test } from 'tap';
import { buildApp } from '../src/app.js';
import type { DatabaseConfig } from '../src/config.js';
import { type DatabaseHandle, openDatabase } from '../src/db/client.js';
import { type Api, apiFor } from './helpers/api.js';
import { databaseKind } from './helpers/database.js';
import { anOrder, at, freeSlot, HOUR } from './helpers/fixtures.js';
import { postgres15Installed, type ReplicaSet, startReplicaSet } from './helpers/standby.js';

// The standby is the test's own, whatever the suite's database: once per CI pass is enough.
const skip = !postgres15Installed
  ? 'needs the PostgreSQL 15 binaries in /usr/lib/postgresql/15/bin'
  : databaseKind !== 'postgres' || process.env.CONTRACT_PROXY
    ? 'runs once per CI pass: in the PostgreSQL run without Prism'
    : false;
const RETRY_MS = 500;

/** Resolves once `check()` holds; throws, naming `what`, after `ms`. */
async function waitFor(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  for (const deadline = Date.now() + ms; !(await check()); ) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

t.test('reads on a streaming replica, writes and the 3-hour rule on the primary', { skip }, async (t) => {
  const set: ReplicaSet = await startReplicaSet(t);
  const config: DatabaseConfig = {
    kind: 'postgres',
    url: set.primaryUrl,
    poolMax: 4,
    connectTimeoutSeconds: 2,
    statementTimeoutMs: 5000,
    readUrls: [set.standbyUrl],
    readRetryMs: RETRY_MS,
  };
  const downs: string[] = [];
  const database: DatabaseHandle = await openDatabase(config, { onReplicaDown: (url) => downs.push(url) });
  const app = await buildApp({ database });
  t.teardown(async () => {
    await app.close();
    await database.close();
  });
  const api: Api = await apiFor(app, database);
  await set.caughtUp(); // the schema and the sample orders

  /** Creates an order while the standby is paused; a read on the replica does not see it. */
  const createUnseen = async (t: Test, datetime: string) => {
    await set.pauseReplay();
    const created = await api.post('/orders', anOrder({ datetime }));
    t.equal(created.status, 201, 'created on the primary');
    return created;
  };

  t.test('under lag: GETs read the replica, everything that decides a write reads the primary', async (t) => {
    const day = freeSlot();
    t.equal((await api.get('/orders/223')).status, 200, 'the sample order, replicated');
    const created = await createUnseen(t, at(day, 12 * HOUR));
    t.teardown(() => set.resumeReplay());
    const { id } = created.body;
    const etag = String(created.headers.etag);

    t.equal((await api.get(`/orders/${id}`)).status, 404, 'GET one: the replica has not replayed it');
    const page = await api.get(`/orders?from=${encodeURIComponent(at(day, 0))}&limit=10`);
    t.same(page.body.data, [], 'a page: not there either');
    const free = await api.get(
      `/availability?from=${encodeURIComponent(at(day, 11 * HOUR))}&to=${encodeURIComponent(at(day, 13 * HOUR))}`,
    );
    t.same(free.body.data, [{ start: at(day, 11 * HOUR), end: at(day, 13 * HOUR) }], 'availability: still free');

    const revalidated = await api.get(`/orders/${id}`, { 'if-none-match': etag });
    t.equal(revalidated.status, 304, 'a conditional GET reads the primary');
    const patched = await api.patch(`/orders/${id}`, { totalfee: 7 }, { 'if-match': etag });
    t.equal(patched.status, 200, 'If-Match is checked on the primary');
    const clash = await api.post('/orders', anOrder({ datetime: at(day, 13 * HOUR) }));
    t.equal(clash.status, 409, 'the 3-hour rule is checked on the primary');
    t.same(clash.body.conflictingOrderIds, [id]);
    t.same(clash.body.nearestAvailable, { before: at(day, 9 * HOUR), after: at(day, 15 * HOUR) }, 'computed there too');

    await set.resumeReplay();
    await waitFor('the replica serving the order once it replays', async () => {
      const res = await api.get(`/orders/${id}`);
      return res.status === 200 && res.body.totalfee === 7;
    });
    t.same(downs, [], 'the replica never counted as down');
  });

  t.test('replica down: every read is answered from the primary, and the replica is used again', async (t) => {
    const day = freeSlot();
    const order = (await api.post('/orders', anOrder({ datetime: at(day, 12 * HOUR) }))).body;
    await set.caughtUp();
    const statuses = new Map<string, number>();
    let reading = true;
    const reads = [
      `/orders/${order.id}`,
      `/orders?from=${encodeURIComponent(at(day, 0))}&limit=10`,
      '/services',
      `/availability?from=${encodeURIComponent(at(day, 0))}&to=${encodeURIComponent(at(day, 24 * HOUR))}`,
    ];
    let sent = 0;
    const reader = async (url: string) => {
      while (reading) {
        const res = await api.get(url);
        sent++;
        statuses.set(`${url} ${res.status}`, (statuses.get(`${url} ${res.status}`) ?? 0) + 1);
      }
    };
    const readers = [...reads, ...reads].map(reader);
    await waitFor('reads running', async () => sent > 20);
    await set.stopStandby();
    const sentAtStop = sent;
    await waitFor('reads served with the replica gone', async () => sent > sentAtStop + 100);
    reading = false;
    await Promise.all(readers);
    t.same(
      [...statuses.keys()].filter((k) => !k.endsWith(' 200')),
      [],
      `all ${sent} reads answered 200, through the stop`,
    );
    t.ok(downs.length > 0, `the replica was marked down (${downs.length} times)`);
    t.notMatch(downs.join(' '), /password/, 'logged by its redacted URL');

    await set.startStandby();
    await waitFor(
      'reads back on the replica after DB_READ_RETRY_MS',
      async () => {
        const created = await createUnseen(t, at(freeSlot(), 12 * HOUR));
        const seen = (await api.get(`/orders/${created.body.id}`)).status;
        await set.resumeReplay();
        return seen === 404;
      },
      20_000,
    );
  });
});
