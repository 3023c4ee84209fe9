// Checks that run on every request before its handler, for what neither
// Fastify nor the glue does on its own.
import type { FastifyRequest, RouteOptions } from 'fastify';
import { InvalidInputError } from '../domain/errors.js';

export class UnsupportedMediaTypeError extends Error {
  constructor(sent: string, accepted: string[]) {
    const what = sent ? `not ${sent}` : 'with a Content-Type header';
    super(`Send the body as ${accepted.join(' or ') || 'application/json'}, ${what}.`);
  }
}

const mediaTypeOf = (request: FastifyRequest) =>
  String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();

/** The media types the spec declares for this route's request body (none for routes without one). */
export function acceptedMediaTypes(request: FastifyRequest): string[] {
  const body = request.routeOptions.schema?.body as { content?: Record<string, unknown> } | undefined;
  return Object.keys(body?.content ?? {});
}

/**
 * The spec declares each request body with its media types and as required.
 * Fastify parses any type it has a parser for and then skips validation
 * when no schema is keyed by that type, and skips it too when there is no
 * body at all; both must be refused here, before the handler sees them.
 */
export async function requireDeclaredBody(request: FastifyRequest): Promise<void> {
  const accepted = acceptedMediaTypes(request);
  if (accepted.length === 0) return;
  if (request.body === undefined) {
    throw new InvalidInputError([{ in: 'body', pointer: '#', detail: 'is required; send a JSON document' }]);
  }
  if (!accepted.includes(mediaTypeOf(request))) throw new UnsupportedMediaTypeError(mediaTypeOf(request), accepted);
}

/**
 * fastify-openapi-glue runs an operation's security handler as a
 * preHandler, i.e. after the body has been read and validated. Moving it to
 * onRequest answers an unauthenticated request with 401 before its body is
 * read, and never tells it whether its body was valid. Register this only
 * in the scope that holds the glue's routes (see app.ts): there, the only
 * preHandler is the security handler.
 */
export function authenticateBeforeBody(route: RouteOptions): void {
  if (!route.preHandler) return;
  const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
  route.onRequest = [...asList(route.onRequest), ...asList(route.preHandler)] as RouteOptions['onRequest'];
  route.preHandler = undefined;
}
