// Errors Node's HTTP parser raises before there is a request to route: a
// client too slow to send its request (408), headers over Node's 16 KiB
// limit (431), or bytes that are not HTTP (400). Fastify's default answers
// them with its own JSON; this answers with a problem+json like every other
// error, then closes the connection (its stream is no longer in sync).
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from './problem.js';

const KNOWN: Record<string, { status: number; kind: string; detail: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, kind: 'request-timeout', detail: 'The request did not arrive in time.' },
  HPE_HEADER_OVERFLOW: { status: 431, kind: 'headers-too-large', detail: 'The request headers are larger than 16 KiB.' },
};
const MALFORMED = { status: 400, kind: 'bad-request', detail: 'The request is not well-formed HTTP.' };

export function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, kind, detail } = KNOWN[error.code ?? ''] ?? MALFORMED;
  this.log.info({ code: error.code, status }, 'client error before routing');
  const title = STATUS_CODES[status]!;
  const body = JSON.stringify({ type: `/problems/${kind}`, title, status, detail });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
