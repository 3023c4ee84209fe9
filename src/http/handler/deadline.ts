// Every answer within the handler deadline (HANDLER_TIMEOUT_MS), whatever
// the database does: a network that drops packets makes a query wait for TCP
// to give up, minutes later. Past the deadline the request is answered with
// the error below (errors/error-handler.ts makes it a 503, or a 408 while its body is
// still arriving). The handler's work is not cancelled, so a write may still
// commit after its 503.
//
// Fastify 5.12 has a handlerTimeout of its own, but it stops its timer when
// the request's 'close' event fires, and Node fires that as soon as a request
// body has been read: over a real socket POST, PUT and PATCH had no deadline
// at all (app.inject does not show it). So the deadline is kept here, from
// the first hook until the response itself ends.
import type { FastifyInstance } from 'fastify';

export class DeadlineExceededError extends Error {
  constructor(readonly deadlineMs: number) {
    super(`No answer within the ${deadlineMs} ms handler deadline.`);
  }
}

export function enforceHandlerDeadline(app: FastifyInstance, deadlineMs: number): void {
  app.addHook('onRequest', (request, reply, done) => {
    const timer = setTimeout(() => {
      // Answered, or answering: nothing left to do.
      if (reply.sent || reply.raw.headersSent) return;
      try {
        reply.send(new DeadlineExceededError(deadlineMs));
      } catch (error) {
        // Fastify refuses a send while its error handling runs: cut the connection rather than hang.
        request.log.error({ err: error }, 'answering at the deadline failed');
        reply.raw.destroy();
      }
    }, deadlineMs);
    const stop = () => clearTimeout(timer);
    // 'close' ends it when the client goes away before the answer.
    reply.raw.once('finish', stop).once('close', stop);
    done();
  });
}
