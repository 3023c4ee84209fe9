// The spec declares each request body with its media types and as required.
// Fastify parses any type it has a parser for and then skips validation when
// no schema is keyed by that type, and skips it too when there is no body at
// all; both are refused here (preValidation), before the handler sees them.
import type { FastifyRequest } from 'fastify';
import { InvalidInputError } from '../../domain/errors.js';
import { acceptedMediaTypes, mediaTypeOf, UnsupportedMediaTypeError } from '../body/media-types.js';

export async function requireDeclaredBody(request: FastifyRequest): Promise<void> {
  const accepted = acceptedMediaTypes(request);
  if (accepted.length === 0) return;
  if (request.body === undefined) {
    throw new InvalidInputError([{ in: 'body', pointer: '#', detail: 'is required; send a JSON document' }]);
  }
  if (!accepted.includes(mediaTypeOf(request))) throw new UnsupportedMediaTypeError(mediaTypeOf(request), accepted);
}
