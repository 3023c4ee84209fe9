// One process at a time on an embedded store's directory: a second one is
// refused before it opens the store, with a line naming the directory and
// the holder's pid, and the first goes on serving; a holder killed with
// SIGKILL leaves its lock file behind but never blocks the next start. And
// the ready line says how durable the embedded store is.
// Always PGlite (the store this service embeds), whatever the suite runs on.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { openDatabase } from '../src/db/client.js';
import { LOCK_FILE, lockDataDir } from '../src/db/data-dir-lock.js';
import { anOrder } from './helpers/fixtures.js';
import { runUntilExit } from './helpers/refused-start.js';
import { type ServiceProcess, startServiceProcess } from './helpers/service-process.js';
import { sendChecked } from './helpers/socket.js';

function emptyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'order-service-lock-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
// One store for the tests that open one, in turn: creating a store on disk
// (initdb) is the slow part, reopening it is not.
const dir = emptyDir();

/** The log line with message `msg`, once the process has written it (stdout may trail its answers). */
async function logLine(service: ServiceProcess, msg: string): Promise<Record<string, unknown> | undefined> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    const line = service.logs.find((l) => l.msg === msg);
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

const pidOf = (service: ServiceProcess) => service.logs.find((line) => typeof line.pid === 'number')!.pid as number;

// First, in-process: it creates the store the processes below reopen (a
// reopen is quick, a first start is not), before any of them can hold the lock.
t.test('closing the store releases its lock (graceful shutdown), in the same process too', async (t) => {
  const database = await openDatabase({ kind: 'pglite', dataDir: dir }, { sampleData: false });
  t.throws(() => lockDataDir(dir), /in use by another process \(pid \d+\)/, 'held while open');
  await database.close();
  const relocked = lockDataDir(dir);
  relocked.release();
  t.ok(existsSync(join(dir, 'PG_VERSION')), 'the store was there');
});

t.test(
  'a second process on one PGLITE_DIR is refused in one line naming the holder; the first keeps serving',
  async (t) => {
    const first = await startServiceProcess(t, { PGLITE_DIR: dir });
    const before = (await sendChecked(first.url, { method: 'POST', path: '/orders', body: anOrder() })).body;
    t.match(await logLine(first, 'order service ready'), {
      database: 'pglite',
      dataDir: dir,
      durability: /fsync off: acknowledged orders survive a killed process, not an OS crash or power loss/,
    });

    const second = await runUntilExit({ PGLITE_DIR: dir });
    t.equal(second.code, 1, 'exits 1');
    t.same(second.stdout, [], 'logs nothing: it never got as far as the app');
    t.equal(second.stderr.length, 1, 'says one line');
    t.match(
      second.stderr[0],
      `order service cannot start: PGLITE_DIR ${dir} is in use by another process (pid ${pidOf(first)})`,
    );

    t.equal((await sendChecked(first.url, { path: `/orders/${before.id}` })).status, 200, 'the first still reads');
    t.equal(
      (await sendChecked(first.url, { method: 'POST', path: '/orders', body: anOrder() })).status,
      201,
      'and writes',
    );
    first.kill('SIGTERM');
    t.same(await first.exited, { code: 0, signal: null });
  },
);

t.test('a lock left by a process killed with SIGKILL is taken over by the next start', async (t) => {
  const killed = await startServiceProcess(t, { PGLITE_DIR: dir });
  const order = (await sendChecked(killed.url, { method: 'POST', path: '/orders', body: anOrder() })).body;
  killed.kill('SIGKILL');
  t.same(await killed.exited, { code: null, signal: 'SIGKILL' });
  t.match(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')), { pid: pidOf(killed) }, 'its lock file is left');

  const next = await startServiceProcess(t, { PGLITE_DIR: dir });
  t.same(
    (await sendChecked(next.url, { path: `/orders/${order.id}` })).body,
    order,
    'the next one starts, data intact',
  );
  const third = await runUntilExit({ PGLITE_DIR: dir });
  t.match(third.stderr, [`(pid ${pidOf(next)})`], 'and holds the lock in turn');
  next.kill('SIGTERM');
  t.same(await next.exited, { code: 0, signal: null });
});

t.test('the store is refused before any of its files is touched', async (t) => {
  const empty = emptyDir();
  const held = lockDataDir(empty);
  t.teardown(() => held.release());
  await t.rejects(openDatabase({ kind: 'pglite', dataDir: empty }), { message: /PGLITE_DIR .* is in use/ });
  t.same(readdirSync(empty), [LOCK_FILE], 'PGlite created nothing');
});
