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
import { closingProblem, problem } from '../errors/problem.js';
import type { ProblemKind } from '../errors/problem-types.js';

const KNOWN: Record<string, { kind: ProblemKind; detail: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { kind: 'request-timeout', detail: 'The request did not arrive in time.' },
  HPE_HEADER_OVERFLOW: { kind: 'headers-too-large', detail: 'The request headers are larger than 16 KiB.' },
};
const MALFORMED = { kind: 'bad-request', detail: 'The request is not well-formed HTTP.' } as const;
/** How long the answers in progress may take to go out before the connection is cut anyway. */
const ANSWERS_IN_PROGRESS_MS = 30_000;

// The parser reports every later chunk on a broken stream again; answer once.
const answering = new WeakSet<Socket>();

export function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || answering.has(socket)) return;
  answering.add(socket);
  const { kind, detail } = KNOWN[error.code ?? ''] ?? MALFORMED;
  const body = problem(kind, detail);
  this.log.info({ code: error.code, status: body.status }, 'client error before routing');
  const { json, headers } = closingProblem(body);
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  const giveUp = setTimeout(() => socket.destroy(), ANSWERS_IN_PROGRESS_MS).unref();
  afterAnswersInProgress(socket, () => {
    clearTimeout(giveUp);
    // The request whose body held the bad bytes may have begun its answer (a deadline's 408): cut it short.
    if (!socket.writable || responseOf(socket)?.headersSent) return void socket.destroy();
    socket.end(`HTTP/1.1 ${body.status} ${STATUS_CODES[body.status]}\r\n${head.join('')}\r\n${json}`, () =>
      socket.destroy(),
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
