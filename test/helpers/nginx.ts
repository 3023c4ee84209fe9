// deploy/nginx.conf run by Debian's nginx in front of local service
// processes, as docker-compose.yml runs it in front of the replicas. Only
// what the compose network supplies is swapped: the upstream servers
// (`server api:3000 ...`, one per replica) and the listen port. The minimal
// top level around it (the image's own nginx.conf in compose) keeps every
// file nginx writes in a temp dir, and adds an access log that says which
// upstreams each request went to.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';

export const NGINX = '/usr/sbin/nginx';
export const nginxInstalled = existsSync(NGINX);
const DEPLOYED = fileURLToPath(new URL('../../deploy/nginx.conf', import.meta.url));
const UPSTREAM = /^(\s*)server api:3000( [^;]*;)$/m;
const LISTEN = /^(\s*)listen 8080;$/m;
type Teardown = { teardown(fn: () => Promise<void> | void): void };

/** One access log line: the client's x-request-id, nginx's status, each upstream tried and its status. */
export interface Proxied {
  id: string;
  status: number;
  upstreams: string[];
  upstreamStatuses: string[];
}

export interface Nginx {
  url: string;
  /** What nginx has logged so far, one entry per finished request. */
  accessLog(): Proxied[];
}

/** deploy/nginx.conf with one `server` line per upstream (same parameters) and `listen` on `port`. */
export function deployedConfigFor(upstreams: string[], port: number): string {
  const deployed = readFileSync(DEPLOYED, 'utf8');
  // Fail loudly if the deployed file no longer has the lines compose relies on.
  if (!UPSTREAM.test(deployed) || !LISTEN.test(deployed))
    throw new Error(`${DEPLOYED}: no "server api:3000" or "listen"`);
  return deployed
    .replace(UPSTREAM, (_, indent: string, params: string) =>
      upstreams.map((u) => `${indent}server ${u}${params}`).join('\n'),
    )
    .replace(LISTEN, (_, indent: string) => `${indent}listen 127.0.0.1:${port};`);
}

function wrap(dir: string, site: string): string {
  return `daemon off;
${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  log_format lb escape=json '{"id":"$http_x_request_id","status":$status,"upstream":"$upstream_addr","upstreamStatus":"$upstream_status"}';
  access_log ${dir}/access.log lb;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${site}
}
`;
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(true)).once('error', () => resolve(false));
    socket.once('connect', () => socket.destroy());
  });

/** nginx's worker processes, by the master's pid (Linux). */
function workersOf(master: ChildProcess): number[] {
  try {
    return readFileSync(`/proc/${master.pid}/task/${master.pid}/children`, 'utf8')
      .split(' ')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** Starts nginx in front of `upstreams` (host:port); stopped, with its temp dir removed, when `t` ends. */
export async function startNginx(t: Teardown, upstreams: string[]): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'order-service-nginx-'));
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, wrap(dir, deployedConfigFor(upstreams, port)));
  // -e: the error log before the configuration is read (the default under /var/log may not be writable).
  const master = spawn(NGINX, ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => master.once('exit', () => resolve()));
  // A master killed outright leaves its workers serving: stop it with SIGTERM (fast shutdown),
  // and kill whatever is left if the test process exits before the teardown ran.
  const killAll = () => {
    for (const pid of workersOf(master)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {} // already gone
    }
    master.kill('SIGKILL');
  };
  const running = () => master.exitCode === null && master.signalCode === null;
  const onExit = () => running() && killAll();
  process.once('exit', onExit);
  t.teardown(async () => {
    process.off('exit', onExit);
    if (running()) master.kill('SIGTERM');
    const stopped = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(r, 5000, false))]);
    if (!stopped) killAll();
    rmSync(dir, { recursive: true, force: true });
  });

  const errors = () => (existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '');
  for (const deadline = Date.now() + 10_000; Date.now() < deadline && running(); ) {
    if (await accepts(port)) {
      return {
        url: `http://127.0.0.1:${port}`,
        accessLog: () =>
          readFileSync(join(dir, 'access.log'), 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => {
              const { id, status, upstream, upstreamStatus } = JSON.parse(line);
              const list = (s: string) => s.split(/\s*[,:]\s+/).filter((x) => x !== '' && x !== '-');
              return { id, status, upstreams: list(upstream), upstreamStatuses: list(upstreamStatus) };
            }),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nginx did not start:\n${errors()}`);
}
