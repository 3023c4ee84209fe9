// The service as it runs in production: `node --import tsx src/server.ts`
// in a process of its own, on a database of the test's own, reached over a
// real socket. For what only a real process shows: signals, exit codes,
// crashes, log lines, several processes on one database.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatabaseConfig } from '../../src/config.js';
import { createTestDatabase } from './database.js';
import { freePort } from './ports.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
type Teardown = { teardown(fn: () => Promise<void> | void): void };

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  url: string;
  /** Every line the process wrote to stdout, parsed (pino writes JSON lines). */
  logs: Record<string, unknown>[];
  exited: Promise<Exit>;
  kill(signal: NodeJS.Signals): void;
}

/** Where a service process keeps its data, and the same database for checking afterwards. */
export interface ServiceDatabase {
  env: Record<string, string>;
  config: DatabaseConfig;
}

/** A database of the test's own, of the kind the suite runs on, removed when `t` ends. */
export async function serviceDatabase(t: Teardown): Promise<ServiceDatabase> {
  const test = await createTestDatabase();
  if (test.config.kind === 'postgres') {
    t.teardown(() => test.drop());
    return { env: { DATABASE_URL: test.config.url }, config: test.config };
  }
  const dir = mkdtempSync(join(tmpdir(), 'order-service-process-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return { env: { PGLITE_DIR: dir }, config: { kind: 'pglite', dataDir: dir } };
}

/** Starts the service with `env` and resolves once it answers /healthz; killed when `t` ends. */
export async function startServiceProcess(
  t: Teardown,
  env: Record<string, string>,
  /** node's arguments: the built service is `['dist/server.js']`. */
  nodeArgs = ['--import', 'tsx', 'src/server.ts'],
): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, nodeArgs, {
    cwd: ROOT,
    // tap instruments child processes too; coverage from a tsx-compiled copy
    // of src/ does not merge with the in-process one and skews the figures.
    env: {
      PATH: process.env.PATH,
      _TAPJS_PROCESSINFO_COVERAGE_: '0',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines.filter(Boolean)) {
      try {
        logs.push(JSON.parse(line));
      } catch {
        logs.push({ unparsed: line });
      }
    }
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  t.teardown(() => void (child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')));

  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    if (child.exitCode !== null) break;
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    ) {
      return { url, logs, exited, kill: (signal) => child.kill(signal) };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`the service did not start:\n${stderr}\n${logs.map((l) => JSON.stringify(l)).join('\n')}`);
}
