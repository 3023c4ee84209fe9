// The media types a route takes its body in, as the spec declares them for
// its request body: what the parsers, the body check and the 415 problem
// all go by.
import type { FastifyRequest } from 'fastify';

export class UnsupportedMediaTypeError extends Error {
  constructor(sent: string, accepted: string[]) {
    const what = sent ? `not ${sent}` : 'with a Content-Type header';
    super(`Send the body as ${accepted.join(' or ') || 'application/json'}, ${what}.`);
  }
}

/** The request's Content-Type without its parameters, lower-cased. */
export const mediaTypeOf = (request: FastifyRequest) =>
  String(request.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();

/** The media types the spec declares for this route's request body (none for routes without one). */
export function acceptedMediaTypes(request: FastifyRequest): string[] {
  const body = request.routeOptions.schema?.body as { content?: Record<string, unknown> } | undefined;
  return Object.keys(body?.content ?? {});
}
