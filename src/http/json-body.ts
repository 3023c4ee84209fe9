// JSON request bodies must be UTF-8 (RFC 8259). Fastify decodes them
// leniently: invalid bytes become U+FFFD and would be stored as if the
// client had sent that character. This decodes strictly, answers a 400
// for bytes that are not UTF-8, and hands the text to Fastify's own JSON
// parser (same empty-body error, same __proto__ and constructor guards).
import type { FastifyInstance } from 'fastify';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** For application/json and application/merge-patch+json (PATCH). */
export function useStrictJsonBodies(app: FastifyInstance): void {
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
        // The problem table (src/http/problem.ts) answers this code with a 400 about the body.
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
