// The service started as a process that is expected to refuse to start:
// runs `node --import tsx src/server.ts` with `env` until it exits (killed
// after `timeoutMs`), and hands back what it said. For start-up checks that
// must fail at once with one line (startServiceProcess is for services that come up).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface RefusedStart {
  code: number | null;
  /** Lines the process wrote to stderr (non-empty ones). */
  stderr: string[];
  /** Lines the process wrote to stdout (pino's log lines). */
  stdout: string[];
}

export async function runUntilExit(env: Record<string, string>, timeoutMs = 60_000): Promise<RefusedStart> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, _TAPJS_PROCESSINFO_COVERAGE_: '0', LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  clearTimeout(timer);
  const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');
  return { code, stderr: lines(stderr), stdout: lines(stdout) };
}
