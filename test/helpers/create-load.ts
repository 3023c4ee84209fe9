// Creates sent over a real socket, each with a request id of the test's
// (the service logs it as reqId, so its log tells which process served it),
// and a way to hold every create inside the service, in flight, for as long
// as a test needs: a table lock in PostgreSQL that inserts wait on.
import type { Sql } from 'postgres';
import { anOrder, at, HOUR } from './fixtures.js';
import type { ServiceProcess } from './service-process.js';
import { type Sent, sendChecked } from './socket.js';

export interface Create {
  id: string;
  datetime: string;
  startedAt: number;
  status?: number;
  body?: { id?: string; type?: string };
}

let loads = 0;

/** `clients` clients at once, each sending `next(n)` (n counts the creates of this load) until stop(). */
function load(url: string, clients: number, next: (n: number, id: string) => { create: Create; request: Sent }) {
  const which = ++loads;
  const sent: Create[] = [];
  let stopped = false;
  const client = async () => {
    while (!stopped) {
      const { create, request } = next(sent.length, `load${which}-${sent.length}`);
      sent.push(create);
      const res = await sendChecked(url, { ...request, headers: { 'x-request-id': create.id } });
      create.status = res.status;
      create.body = res.body;
    }
  };
  const running = Promise.all(Array.from({ length: clients }, client));
  return {
    sent,
    async stop() {
      stopped = true;
      await running;
    },
  };
}

/** Creates from `clients` clients at once, each at its own instant 6 h after the last (none conflicts), until stop(). */
export function createLoad(url: string, clients: number, first: Date) {
  return load(url, clients, (n, id) => {
    const create: Create = { id, datetime: at(first, n * 6 * HOUR), startedAt: Date.now() };
    return { create, request: { method: 'POST', path: '/orders', body: anOrder({ datetime: create.datetime }) } };
  });
}

/**
 * POST /services from `clients` clients at once until stop(): creates that
 * the table lock of holdCreates does not hold, so they keep flowing over
 * pooled connections while a process drains.
 */
export function serviceCreateLoad(url: string, clients: number) {
  return load(url, clients, (_n, id) => ({
    create: { id, datetime: '', startedAt: Date.now() },
    request: { method: 'POST', path: '/services', body: { name: `Drain check ${id}` } },
  }));
}

/** How many times `service` logged `msg` for request `id`. */
export const logged = (service: ServiceProcess, id: string, msg = 'incoming request') =>
  service.logs.filter((l) => l.reqId === id && l.msg === msg).length;

/** Requests `service` has received and not yet answered, by its log. */
export const inFlightAt = (service: ServiceProcess, ids: string[]) =>
  ids.filter((id) => logged(service, id) > logged(service, id, 'request completed'));

/** Connections of the service processes to `sql`'s database that wait on a lock. */
export async function waitingOnLocks(sql: Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`;
  return row!.n;
}

/**
 * Takes a lock that every insert into orders waits for, so creates stay in
 * flight inside the service; resolves once it is held, with the release.
 */
export async function holdCreates(sql: Sql): Promise<() => Promise<void>> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held!: () => void;
  const taken = new Promise<void>((resolve) => (held = resolve));
  const transaction = sql.begin(async (tx) => {
    await tx`lock table orders in share mode`;
    held();
    await released;
  });
  transaction.catch(() => {}); // a failure surfaces from release()
  await Promise.race([taken, transaction]);
  // May be called more than once (by a test and its teardown).
  return async () => {
    release();
    await transaction;
  };
}
