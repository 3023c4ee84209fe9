// Bearer API keys, checked by the security handler that fastify-openapi-glue
// calls for every operation whose spec declares `bearerAuth`. A key's scope
// is `read` (GET, HEAD) or `write` (everything).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { ApiKey, Scope } from '../config.js';

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

/** Who sent a request: what idempotency keys are scoped to. */
export interface Caller {
  id: string;
  scope: Scope;
}

export const ANONYMOUS: Caller = { id: 'anonymous', scope: 'write' };

const callers = new WeakMap<FastifyRequest, Caller>();

/** The authenticated caller of a request, or ANONYMOUS when auth is off. */
export function callerOf(request: FastifyRequest): Caller {
  return callers.get(request) ?? ANONYMOUS;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

const READ_METHODS = new Set(['GET', 'HEAD']);

export function createBearerAuth(keys: ApiKey[]) {
  // Compare digests: equal length, so timingSafeEqual applies, and every key
  // is compared on every request, so timing says nothing about which matched.
  const known = keys.map((key) => ({ digest: digest(key.token), scope: key.scope }));

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
    // The digest, never the token, identifies the caller (it is stored with idempotency keys).
    callers.set(request, { id: found.digest.toString('base64url').slice(0, 22), scope: found.scope });
  };
}
