// Which bodies are parsed, and how. Only JSON: the built-in text/plain
// parser is removed (a text body would reach the handler as a string), and
// media types the spec names only for responses are refused with 415.
// JSON and PATCH's JSON Merge Patch must be UTF-8 (RFC 8259): Fastify decodes
// leniently, turning invalid bytes into U+FFFD that would be stored as if
// the client had sent it. These decode strictly, answer a 400 for bytes
// that are not UTF-8, and hand the text to Fastify's own JSON parser (same
// empty-body error, same __proto__ and constructor guards).
import type { FastifyInstance } from 'fastify';
import type { OpenApiDocument } from '../../contract/spec.js';
import { acceptedMediaTypes, UnsupportedMediaTypeError } from './media-types.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function registerBodyParsers(app: FastifyInstance, spec: OpenApiDocument): void {
  app.removeContentTypeParser('text/plain');
  useStrictJsonBodies(app);
  refuseResponseOnlyMediaTypes(app, spec);
}

function useStrictJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    ['application/json', 'application/merge-patch+json'],
    { parseAs: 'buffer' },
    (request, body, done) => {
      let text: string;
      try {
        text = utf8.decode(body as Buffer);
      } catch {
        // The error handler answers this code with a 400 about the body.
        return done(
          Object.assign(new Error('body is not valid UTF-8'), {
            code: 'FST_ERR_CTP_INVALID_JSON_BODY',
            statusCode: 400,
          }),
          undefined,
        );
      }
      parseJson(request, text, done);
    },
  );
}

/**
 * Media types the spec names only for responses (problem+json, YAML, HTML)
 * get a request parser that refuses them with 415, as an unknown type is.
 * It changes no answer; it tells fastify-openapi-glue, which warns at start
 * about every media type in the spec that has no parser, that this is meant.
 */
function refuseResponseOnlyMediaTypes(app: FastifyInstance, spec: OpenApiDocument): void {
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
