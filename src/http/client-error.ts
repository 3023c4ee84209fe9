// Errors Node's HTTP parser raises before there is a request to route: a
// client too slow to send its request (408), headers over Node's 16 KiB
// limit (431), or bytes that are not HTTP (400). Fastify's default answers
// them with its own JSON; this answers with a problem+json like every other
// error, then closes the connection (its stream is no longer in sync).
//
// Requests pipelined before the bad bytes are still being served: their
// answers go out first, then the problem. Node's default and Fastify's
// destroy the connection at once, so a client whose POST was saved would
// never hear of it.
import { type ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from './problem.js';

const KNOWN: Record<string, { status: number; kind: string; detail: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, kind: 'request-timeout', detail: 'The request did not arrive in time.' },
  HPE_HEADER_OVERFLOW: {
    status: 431,
    kind: 'headers-too-large',
    detail: 'The request headers are larger than 16 KiB.',
  },
};
const MALFORMED = { status: 400, kind: 'bad-request', detail: 'The request is not well-formed HTTP.' };
// Titles as the spec's 408 and 431 responses spell them.
const TITLES: Record<number, string> = {
  400: 'Bad request',
  408: 'Request timeout',
  431: 'Request header fields too large',
};
/** How long the answers in progress may take to go out before the connection is cut anyway. */
const ANSWERS_IN_PROGRESS_MS = 30_000;

// The parser reports every later chunk on a broken stream again; answer once.
const answering = new WeakSet<Socket>();

export function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || answering.has(socket)) return;
  answering.add(socket);
  const { status, kind, detail } = KNOWN[error.code ?? ''] ?? MALFORMED;
  this.log.info({ code: error.code, status }, 'client error before routing');
  const title = TITLES[status] ?? STATUS_CODES[status]!;
  const body = JSON.stringify({ type: `/problems/${kind}`, title, status, detail });
  const giveUp = setTimeout(() => socket.destroy(), ANSWERS_IN_PROGRESS_MS).unref();
  afterAnswersInProgress(socket, () => {
    clearTimeout(giveUp);
    // The request whose body held the bad bytes may have begun its answer (a deadline's 408): cut it short.
    if (!socket.writable || responseOf(socket)?.headersSent) return void socket.destroy();
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      () => socket.destroy(),
    );
  });
}

/** The response Node is writing on `socket`, as its own clientError default reads it. */
function responseOf(socket: Socket): ServerResponse | null | undefined {
  return (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
}

/**
 * Runs `then` once no answer to a whole request is waiting to go out on
 * `socket`. Node gives the socket to one response at a time and, when that
 * one finishes, to the next pipelined one. A response whose request never
 * arrived whole is not waited for: the bad bytes were in its body.
 */
function afterAnswersInProgress(socket: Socket, then: () => void): void {
  const response = responseOf(socket);
  if (!response || socket.destroyed || !response.req.complete) {
    then();
    return;
  }
  const next = () => {
    response.off('finish', next).off('close', next);
    afterAnswersInProgress(socket, then);
  };
  response.once('finish', next).once('close', next);
}
