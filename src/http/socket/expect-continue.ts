// The `Expect` request header. `100-continue` asks the server whether to
// send the body at all: Node answers `100 Continue` at once by default, so a
// client would upload a body that the headers alone already get refused
// (401, 404, 405, 413 by Content-Length, 415). Here `100 Continue` goes out
// only when the body is about to be read, after every check on the headers;
// a refusal before that is the final answer and the body is never sent.
// Any other expectation is a 417 problem, not Node's bare 417.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { closingProblem, problem } from '../errors/problem.js';
import { headersFor } from '../response/headers.js';

const awaitingContinue = new WeakSet<IncomingMessage>();

export function handleExpectations(app: FastifyInstance): void {
  app.server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    awaitingContinue.add(request);
    app.server.emit('request', request, response);
  });
  app.server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    const detail = `Expect: ${request.headers.expect} is not supported; only 100-continue is.`;
    const { json, headers } = closingProblem(problem('expectation-failed', detail), headersFor(request.url ?? ''));
    response.writeHead(417, headers);
    response.end(json);
  });
  app.addHook('preParsing', (request, reply, payload, done) => {
    if (awaitingContinue.has(request.raw)) {
      // Fastify starts reading the body by listening for its data.
      const onListener = (event: string | symbol) => {
        if (event !== 'data' && event !== 'readable') return;
        payload.off('newListener', onListener);
        if (!reply.raw.headersSent) reply.raw.writeContinue();
      };
      payload.on('newListener', onListener);
    }
    done(null, payload);
  });
}
