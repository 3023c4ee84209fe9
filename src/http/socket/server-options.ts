// What Fastify() and Node's server are built with, i.e. the first stage a
// request meets: how long a client may take to send a request, how long an
// idle keep-alive connection stays open, how large a body may be, what a
// request that arrives during a graceful shutdown gets, and who answers what
// Node's parser and Fastify's router refuse. (How long the service may take
// to answer one is kept by handler/deadline.ts.)
import type { Server } from 'node:http';
import type { FastifyHttpOptions } from 'fastify';
import { BODY_LIMIT_BYTES, type Config } from '../../config.js';
import { requestIdOf } from '../on-request/request-id.js';
import { frameworkErrors } from '../on-request/routing.js';
import { clientErrorHandler } from './parser-errors.js';

export const DEFAULT_HTTP: Config['http'] = {
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 72_000,
  handlerTimeoutMs: 8_000,
};

export function serverOptions(http: Config['http']) {
  return {
    bodyLimit: BODY_LIMIT_BYTES,
    // The client's X-Request-Id only when it is plain (on-request/request-id.ts).
    requestIdHeader: false,
    genReqId: requestIdOf,
    requestTimeout: http.requestTimeoutMs,
    http: {
      // Node enforces requestTimeout only when it checks its connections, every
      // 30 s by default: a 10 s limit would really be up to 40 s.
      connectionsCheckingInterval: Math.min(1000, http.requestTimeoutMs),
      // Node answers an HTTP/1.1 request without Host with a bare 400 and no
      // body; on-request/host-header.ts answers it with a problem instead.
      requireHostHeader: false,
    },
    keepAliveTimeout: http.keepAliveTimeoutMs,
    // While draining, Fastify would answer requests that arrive on open
    // keep-alive connections with a 503 of its own (not problem+json, no
    // Retry-After). The database stays open until the server has closed, so
    // serve them instead; each gets `Connection: close`.
    return503OnClosing: false,
    clientErrorHandler,
    frameworkErrors,
    // Fastify's default joins every schema error into the message, 12,000 of
    // them for a 64 KiB body; nobody reads it (the problem lists the errors).
    schemaErrorFormatter: (errors, dataVar) => new Error(`${dataVar} has ${errors.length} invalid inputs`),
  } satisfies FastifyHttpOptions<Server>;
}
