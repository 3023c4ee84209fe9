// The HTTP server's limits and its manners while shutting down, in one
// place: how long a client may take to send a request, how long an idle
// keep-alive connection stays open, and what a request that arrives during a
// graceful shutdown gets. (How long the service may take to answer one is
// kept by deadline.ts.)
import type { Server } from 'node:http';
import type { FastifyHttpOptions } from 'fastify';
import type { Config } from '../config.js';
import { clientErrorHandler } from './client-error.js';
import { frameworkErrors } from './router-errors.js';

export const DEFAULT_HTTP: Config['http'] = {
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 72_000,
  handlerTimeoutMs: 8_000,
};

export function serverOptions(http: Config['http']) {
  return {
    requestTimeout: http.requestTimeoutMs,
    // Node enforces requestTimeout only when it checks its connections, every
    // 30 s by default: a 10 s limit would really be up to 40 s.
    http: { connectionsCheckingInterval: Math.min(1000, http.requestTimeoutMs) },
    keepAliveTimeout: http.keepAliveTimeoutMs,
    // While draining, Fastify would answer requests that arrive on open
    // keep-alive connections with a 503 of its own (not problem+json, no
    // Retry-After). The database stays open until the server has closed, so
    // serve them instead; each gets `Connection: close`.
    return503OnClosing: false,
    clientErrorHandler,
    frameworkErrors,
  } satisfies FastifyHttpOptions<Server>;
}
