// A PostgreSQL 15 primary and a hot standby streaming from it, both of the
// caller's own: `initdb` a primary on a free port, `pg_basebackup -R` a
// standby from it on another, each in a temp dir, and both stopped and
// removed at the end (also when the test fails, or its process exits).
// The machine's own server on 5432 is never touched. PostgreSQL refuses to
// run as root: as root, the binaries run as the `postgres` user, in
// directories it owns. Used by test/read-replicas.test.ts and
// `npm run bench -- --replicas` (bench/run.ts).
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { freePort } from './ports.js';

export const PG_BIN = '/usr/lib/postgresql/15/bin';
export const postgres15Installed = ['initdb', 'pg_ctl', 'pg_basebackup'].every((b) => existsSync(join(PG_BIN, b)));
const run = promisify(execFile);
const asRoot = process.getuid?.() === 0;
type Teardown = { teardown(fn: () => Promise<void> | void): void };

/** [command, args] that runs PostgreSQL binary `bin` as a user PostgreSQL accepts. */
function command(bin: string, args: string[]): [string, string[]] {
  const path = join(PG_BIN, bin);
  return asRoot ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
}
const pg = (bin: string, args: string[]) => run(...command(bin, args), { timeout: 60_000 });

export interface ReplicaSet {
  primaryUrl: string;
  standbyUrl: string;
  /** The servers' data directories (their postmaster.pid names the process). */
  primaryDir: string;
  standbyDir: string;
  /** Resolves once the standby has replayed everything the primary has written so far. */
  caughtUp(): Promise<void>;
  /** Stops replaying WAL on the standby (it keeps serving what it has), and starts again. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** Stops the standby (fast shutdown: its connections are cut) or starts it again. */
  stopStandby(): Promise<void>;
  startStandby(): Promise<void>;
  /** Stops both servers and removes their directories (also registered on `t`). */
  stop(): Promise<void>;
}

const SETTINGS = (port: number, socketDir: string, durable: boolean) => [
  `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${socketDir}`,
  '-c max_connections=60 -c wal_level=replica -c max_wal_senders=4 -c hot_standby=on',
  // A throw-away cluster for tests: durability costs time and buys nothing there.
  durable ? '-c shared_buffers=128MB' : '-c fsync=off -c full_page_writes=off -c shared_buffers=16MB',
];

/**
 * Starts a primary and a standby of it; both are stopped and removed when `t` ends.
 * `durable`: fsync on, as in production (a benchmark's commits should cost what they cost).
 */
export async function startReplicaSet(t: Teardown, { durable = false } = {}): Promise<ReplicaSet> {
  const dir = mkdtempSync(join(tmpdir(), 'order-service-standby-'));
  if (asRoot) {
    const [uid, gid] = ['-u', '-g'].map((f) => Number(execFileSync('id', [f, 'postgres'], { encoding: 'utf8' })));
    chownSync(dir, uid!, gid!);
  }
  const [primaryDir, standbyDir] = [join(dir, 'primary'), join(dir, 'standby')];
  const [primaryPort, standbyPort] = [await freePort(), await freePort()];
  const start = (data: string, port: number) =>
    pg('pg_ctl', [
      '-D',
      data,
      '-l',
      `${data}.log`,
      '-w',
      '-t',
      '30',
      '-o',
      SETTINGS(port, dir, durable).join(' '),
      'start',
    ]);
  const stopSync = (data: string) => {
    if (existsSync(join(data, 'postmaster.pid')))
      spawnSync(...command('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']));
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stopAllSync);
    stopAllSync();
    rmSync(dir, { recursive: true, force: true });
  };
  const stopAllSync = () => [standbyDir, primaryDir].forEach(stopSync);
  process.once('exit', stopAllSync);
  t.teardown(stop);

  try {
    await pg('initdb', ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    await start(primaryDir, primaryPort);
    await pg('pg_basebackup', [
      ...['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', standbyDir],
      ...['-R', '-X', 'stream', '--checkpoint=fast', '--no-sync'],
    ]);
    await start(standbyDir, standbyPort);
  } catch (error) {
    await stop();
    throw error;
  }

  const primaryUrl = `postgres://postgres@127.0.0.1:${primaryPort}/postgres`;
  const standbyUrl = `postgres://postgres@127.0.0.1:${standbyPort}/postgres`;
  /** One statement on a connection of its own (the standby may be restarted in between). */
  const query = async <Row>(url: string, text: string, params: string[] = []) => {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      return (await sql.unsafe(text, params)) as unknown as Row[];
    } finally {
      await sql.end({ timeout: 1 });
    }
  };
  const waitFor = async (what: string, check: () => Promise<boolean>) => {
    for (const deadline = Date.now() + 20_000; !(await check()); ) {
      if (Date.now() > deadline) throw new Error(`standby: not within 20 s: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return {
    primaryUrl,
    standbyUrl,
    primaryDir,
    standbyDir,
    async caughtUp() {
      const [primary] = await query<{ lsn: string }>(primaryUrl, 'select pg_current_wal_lsn()::text as lsn');
      await waitFor('replayed up to the primary', async () => {
        const [row] = await query<{ done: boolean }>(
          standbyUrl,
          'select pg_last_wal_replay_lsn() >= $1::pg_lsn as done',
          [primary!.lsn],
        );
        return row!.done;
      });
    },
    async pauseReplay() {
      await query(standbyUrl, 'select pg_wal_replay_pause()');
      await waitFor('replay paused', async () => {
        const [row] = await query<{ state: string }>(standbyUrl, 'select pg_get_wal_replay_pause_state() as state');
        return row!.state === 'paused';
      });
    },
    resumeReplay: async () => void (await query(standbyUrl, 'select pg_wal_replay_resume()')),
    stopStandby: async () => void (await pg('pg_ctl', ['-D', standbyDir, '-m', 'fast', '-w', 'stop'])),
    startStandby: async () => void (await start(standbyDir, standbyPort)),
    stop,
  };
}
