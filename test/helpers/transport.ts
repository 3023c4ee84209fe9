// How a test's requests reach the service. By default through app.inject
// (fast, no sockets). With CONTRACT_PROXY=prism the app listens on a free
// port and requests go over HTTP through a Stoplight Prism validation proxy
// started in front of it, so an independent validator judges every response
// too (CI runs the suite both ways).

import type { FastifyInstance, InjectOptions } from 'fastify';
import { type RawRequest, send } from './http.js';
import { assertPrismPassed, prismForwardsUnchanged, startPrism } from './prism.js';
import { type ApiResponse, received } from './response.js';

export type Transport = (options: InjectOptions) => Promise<ApiResponse>;

function toRaw(options: InjectOptions): RawRequest {
  const { payload } = options;
  if (payload !== undefined && typeof payload !== 'string' && !Buffer.isBuffer(payload)) {
    throw new Error('tests send payloads as strings or bytes');
  }
  return {
    method: String(options.method ?? 'GET').toUpperCase(),
    url: String(options.url),
    headers: (options.headers ?? {}) as Record<string, string>,
    payload,
  };
}

/**
 * Prism answers a request that lacks the credentials the spec requires with
 * its own 401 (even with --validate-request=false), so it would judge none
 * of them. Such requests carry a placeholder bearer token instead: a
 * service without API_KEYS ignores it, and one with keys refuses it with
 * the same 401 as a missing token, which Prism then judges too.
 */
export const PLACEHOLDER_TOKEN = 'prism-run-placeholder-token';
function withCredentials(request: RawRequest): RawRequest {
  const sent = Object.keys(request.headers ?? {}).some((name) => name.toLowerCase() === 'authorization');
  return sent ? request : { ...request, headers: { ...request.headers, authorization: `Bearer ${PLACEHOLDER_TOKEN}` } };
}

async function overPrism(app: FastifyInstance): Promise<Transport> {
  const direct = await app.listen({ port: 0, host: '127.0.0.1' });
  const prism = await startPrism(direct);
  app.server.once('close', prism.stop);
  process.once('exit', prism.stop);
  return async (options) => {
    const request = withCredentials(toRaw(options));
    if (!prismForwardsUnchanged(request)) return send(direct, request);
    const response = await send(prism.url, request);
    assertPrismPassed(`${request.method} ${request.url} → ${response.status}`, response);
    return response;
  };
}

function injected(app: FastifyInstance): Transport {
  return async (options) => {
    const response = await app.inject(options);
    return received(response.statusCode, response.headers, response.body);
  };
}

export async function transportFor(app: FastifyInstance): Promise<Transport> {
  if (process.env.CONTRACT_PROXY === 'prism') {
    const overHttp = await overPrism(app);
    // A request that names its client's address can only be made in-process:
    // over a socket every request comes from this machine's own address.
    return (options) => (options.remoteAddress === undefined ? overHttp(options) : injected(app)(options));
  }
  if (process.env.CONTRACT_PROXY)
    throw new Error(`CONTRACT_PROXY must be "prism" or unset, got "${process.env.CONTRACT_PROXY}"`);
  return injected(app);
}
