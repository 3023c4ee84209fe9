// Bearer API keys, checked by the security handler that fastify-openapi-glue
// calls for every operation whose spec declares `bearerAuth`. A key's scope
// is `read` (GET, HEAD) or `write` (everything).
import { createHash, scryptSync, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { ApiKey } from '../config.js';

export class UnauthorizedError extends Error {
  readonly statusCode = 401;
  constructor(readonly reason: 'missing' | 'invalid') {
    super(reason === 'missing' ? 'Send an API key as "Authorization: Bearer <token>".' : 'The API key is not valid.');
  }
}

export class ForbiddenError extends Error {
  readonly statusCode = 403;
  constructor(method: string) {
    super(`This API key has the read scope; ${method} needs write.`);
  }
}

/** What idempotency keys are scoped to when authentication is off. */
export const ANONYMOUS = 'anonymous';

const callers = new WeakMap<FastifyRequest, string>();

/** The id of the API key that sent a request, or ANONYMOUS when auth is off. */
export function callerOf(request: FastifyRequest): string {
  return callers.get(request) ?? ANONYMOUS;
}

/**
 * A stable id for an API key that is safe to store: a slow, salted hash
 * (scrypt), computed once at start, so that reading the database does not
 * make guessing tokens offline cheap the way a plain SHA-256 would.
 */
function callerIdOf(token: string): string {
  return scryptSync(token, 'order-service/idempotency-caller', 16).toString('base64url');
}

const digest = (text: string) => createHash('sha256').update(text).digest();

const READ_METHODS = new Set(['GET', 'HEAD']);

export function createBearerAuth(keys: ApiKey[]) {
  // Compare digests: equal length, so timingSafeEqual applies, and every key
  // is compared on every request, so timing says nothing about which matched.
  const known = keys.map((key) => ({ digest: digest(key.token), scope: key.scope, callerId: callerIdOf(key.token) }));

  return async function bearerAuth(request: FastifyRequest): Promise<void> {
    const match = /^Bearer ([\x21-\x7E]+)$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new UnauthorizedError('missing');
    const presented = digest(match[1]!);
    let found: (typeof known)[number] | undefined;
    for (const key of known) {
      if (timingSafeEqual(key.digest, presented) && !found) found = key;
    }
    if (!found) throw new UnauthorizedError('invalid');
    if (found.scope === 'read' && !READ_METHODS.has(request.method)) throw new ForbiddenError(request.method);
    callers.set(request, found.callerId);
  };
}
