// One HTTP POST of an event to an endpoint: within the timeout, to an
// address the guard allows, over node:http(s) so that the connection goes
// to the checked address. Never throws: the outcome says what happened.
import http from 'node:http';
import https from 'node:https';
import { ForbiddenAddressError, forbiddenKind, guardedLookup, hostOf } from './address-guard.js';

export interface Outcome {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface SendOptions {
  allowedHosts: ReadonlySet<string>;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** The reason an answer or a failure is not a delivery, or null for a 2xx. */
const failureOf = (status: number) => (status >= 200 && status < 300 ? null : `answered ${status}`);

export function send(target: string, headers: Record<string, string>, body: string, options: SendOptions) {
  const started = performance.now();
  const done = (statusCode: number | null, error: string | null): Outcome => ({
    statusCode,
    error,
    durationMs: Math.round(performance.now() - started),
  });
  const url = new URL(target);
  const host = hostOf(url);
  const allowed = options.allowedHosts.has(host.toLowerCase());
  const kind = allowed ? undefined : forbiddenKind(host);
  if (kind) return Promise.resolve(done(null, `refused: ${host} is ${kind} address`));

  return new Promise<Outcome>((settle) => {
    let settled = false;
    const resolve = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      settle(outcome);
    };
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'order-service-webhooks/1' },
      lookup: guardedLookup(options.allowedHosts),
      agent: false,
    });
    const timer = setTimeout(() => {
      resolve(done(null, `no answer within ${options.timeoutMs} ms`));
      request.destroy();
    }, options.timeoutMs);
    const onAbort = () => {
      resolve(done(null, 'aborted: the service is shutting down'));
      request.destroy();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    request.on('response', (response) => {
      // The body is read and dropped (up to the timeout): the status is the answer.
      response.resume();
      response.on('end', () => resolve(done(response.statusCode!, failureOf(response.statusCode!))));
      response.on('error', (error) => resolve(done(null, describe(error))));
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve(done(null, describe(error))));
    request.end(body);
  });
}

function describe(error: NodeJS.ErrnoException): string {
  if (error instanceof ForbiddenAddressError) return `refused: ${error.message}`;
  if (error.code === 'ECONNREFUSED') return 'connection refused';
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return `DNS lookup failed (${error.code})`;
  if (error.code === 'ECONNRESET') return 'connection reset';
  return error.message;
}
