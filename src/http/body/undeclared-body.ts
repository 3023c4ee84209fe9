// A body sent to an operation that takes none (a DELETE) is ignored, as
// HTTP lets a server do, rather than parsed: otherwise a DELETE with an
// unknown Content-Type, or a large body, would be refused with a 415 or 413
// that the operation does not declare. Fastify reads these headers (in
// onRequest, before it decides whether to parse); Node discards the unread body.
import type { FastifyRequest } from 'fastify';
import { acceptedMediaTypes } from './media-types.js';

export async function ignoreUndeclaredBody(request: FastifyRequest): Promise<void> {
  if (request.method !== 'DELETE' || acceptedMediaTypes(request).length > 0) return;
  delete request.headers['content-type'];
  delete request.headers['content-length'];
  delete request.headers['transfer-encoding'];
}
