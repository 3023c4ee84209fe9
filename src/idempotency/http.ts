// Idempotency-Key on the HTTP side: what identifies a request, and sending
// a create's answer, first-time or replayed.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { callerOf } from '../auth/api-keys.js';
import type { Answer, Claim } from './store.js';

/** JSON with object keys sorted, so that key order and whitespace don't change a fingerprint. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The claim a request makes with its Idempotency-Key header, if it sent one.
 * `input` is what the request asks for, as the handler normalised it (e.g.
 * the datetime as the instant it names), so that two bodies asking for the
 * same thing are the same request.
 */
export function claimOf(request: FastifyRequest, input: unknown): Claim | undefined {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string') return undefined;
  const fingerprint = createHash('sha256')
    .update(`${request.method} ${request.routeOptions.url}\n${canonicalJson(input)}`)
    .digest('hex');
  return { caller: callerOf(request), key, fingerprint };
}

/** Sends a create's answer, first-time or replayed. */
export function sendCreated<Body>(reply: FastifyReply, { response, replayed }: Answer<Body>): Body {
  reply.code(response.status).header('location', response.location);
  if (response.etag) reply.header('etag', response.etag);
  if (replayed) reply.header('idempotent-replayed', 'true');
  return response.body;
}
