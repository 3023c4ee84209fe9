// The request id that ties a request's log lines and its answer together
// (X-Request-Id). A client may send its own, to follow a request through
// its own logs, but only a short and plain one is used: echoed and logged
// verbatim, a 16 KiB id would fill the logs and could carry anything into
// them. Any other value is replaced by a fresh UUID, and noted (cut short).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyRequest } from 'fastify';

const PLAIN_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** How much of a refused id the log keeps. */
const LOGGED_CHARACTERS = 64;

/** Fastify's genReqId: the client's id if it is plain, else a UUID. */
export function requestIdOf(request: IncomingMessage): string {
  const sent = request.headers['x-request-id'];
  return typeof sent === 'string' && PLAIN_ID.test(sent) ? sent : randomUUID();
}

export async function noteRefusedRequestId(request: FastifyRequest): Promise<void> {
  const sent = request.headers['x-request-id'];
  if (sent === undefined || sent === request.id) return;
  const text = String(sent);
  request.log.info(
    { refusedRequestId: text.slice(0, LOGGED_CHARACTERS), refusedLength: text.length },
    'X-Request-Id is not 1-128 characters of [A-Za-z0-9._:-]; a new id was given',
  );
}
