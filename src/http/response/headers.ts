// Headers on every answer, on its way out: the request id, `nosniff` (a
// browser must not guess a type other than the one declared, e.g. run a
// problem's text as HTML), and `Cache-Control: no-store` on the
// authenticated paths. Orders, services, their events and webhook endpoints (with
// their secrets) are private data that no cache,
// shared or the browser's own, should keep: `no-store` already forbids every
// cache to store it, so `private` would add nothing. Revalidation still works
// for a client that keeps an order itself and sends its ETag back.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const NOSNIFF = { 'x-content-type-options': 'nosniff' };
const NOSNIFF_AND_NO_STORE = { ...NOSNIFF, 'cache-control': 'no-store' };

// Everything under /orders, /services, /events and /webhook-endpoints needs an API key (when keys are configured).
const AUTHENTICATED = /^\/(?:orders|services|events|webhook-endpoints)(?:[/?]|$)/;

/** The headers every answer to `url` carries (the request id aside). */
export function headersFor(url: string): Record<string, string> {
  return AUTHENTICATED.test(url) ? NOSNIFF_AND_NO_STORE : NOSNIFF;
}

export function stampResponseHeaders(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-request-id', request.id);
  reply.headers(headersFor(request.url));
}

export function addResponseHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply) => stampResponseHeaders(request, reply));
}
