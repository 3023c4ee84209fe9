// Checks that run on every request before its handler, for what neither
// Fastify nor the glue does on its own.
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import type { OpenApiDocument } from '../contract/spec.js';
import { InvalidInputError } from '../domain/errors.js';

export class UnsupportedMediaTypeError extends Error {
  constructor(sent: string, accepted: string[]) {
    const what = sent ? `not ${sent}` : 'with a Content-Type header';
    super(`Send the body as ${accepted.join(' or ') || 'application/json'}, ${what}.`);
  }
}

const mediaTypeOf = (request: FastifyRequest) =>
  String(request.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();

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
 * A body sent to an operation that takes none (a DELETE) is ignored, as
 * HTTP lets a server do, rather than parsed: otherwise a DELETE with an
 * unknown Content-Type, or a large body, would be refused with a 415 or
 * 413 that the operation does not declare. Fastify reads these headers to
 * decide whether to parse; Node discards the unread body.
 */
export async function ignoreUndeclaredBody(request: FastifyRequest): Promise<void> {
  if (request.method !== 'DELETE' || acceptedMediaTypes(request).length > 0) return;
  delete request.headers['content-type'];
  delete request.headers['content-length'];
  delete request.headers['transfer-encoding'];
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
  const asList = <T>(value: T | T[] | undefined): T[] =>
    value === undefined ? [] : Array.isArray(value) ? value : [value];
  route.onRequest = [...asList(route.onRequest), ...asList(route.preHandler)] as RouteOptions['onRequest'];
  route.preHandler = undefined;
}

/**
 * Media types the spec names only for responses (problem+json, YAML, HTML)
 * get a request parser that refuses them with 415, as an unknown type is.
 * It changes no answer; it tells fastify-openapi-glue, which warns at start
 * about every media type in the spec that has no parser, that this is meant.
 */
export function refuseResponseOnlyMediaTypes(app: FastifyInstance, spec: OpenApiDocument): void {
  const operations = Object.values(spec.paths).flatMap((item) => Object.values(item)) as Record<string, unknown>[];
  const contentOf = (holder: unknown) => Object.keys((holder as { content?: object } | undefined)?.content ?? {});
  const resolve = (node: unknown): unknown => {
    const ref = (node as { $ref?: string } | undefined)?.$ref;
    return ref
      ? resolve(
          ref
            .split('/')
            .slice(1)
            // biome-ignore lint/suspicious/noExplicitAny: follows a $ref through the parsed spec
            .reduce<any>((at, key) => at[key], spec),
        )
      : node;
  };
  const requestTypes = new Set(operations.flatMap((op) => contentOf(resolve(op.requestBody))));
  const responseTypes = new Set(
    operations.flatMap((op) =>
      Object.values((op.responses as object | undefined) ?? {}).flatMap((r) => contentOf(resolve(r))),
    ),
  );
  for (const type of responseTypes) {
    if (requestTypes.has(type) || app.hasContentTypeParser(type)) continue;
    app.addContentTypeParser(type, (request, _payload, done) =>
      done(new UnsupportedMediaTypeError(type, acceptedMediaTypes(request)), undefined),
    );
  }
}
