// A client that stops reading its response would hold the connection, its
// buffers and the response's memory forever: Node's server has no send
// timeout. Once a response starts, its socket must accept bytes at least every
// SEND_TIMEOUT_MS or it is destroyed. The bound starts only when the response
// does: reading the request (REQUEST_TIMEOUT_MS) and answering it
// (HANDLER_TIMEOUT_MS) have bounds of their own. When the response has
// finished, Node puts the keep-alive timeout back on the socket.
import type { FastifyInstance } from 'fastify';

export function boundSlowReaders(app: FastifyInstance, sendTimeoutMs: number): void {
  app.addHook('onSend', async (request, reply) => {
    const socket = reply.raw.socket;
    // An injected request has no real socket.
    if (typeof socket?.setTimeout !== 'function') return;
    // With no 'timeout' listener of the request, response or server, Node
    // destroys the socket when the timer fires.
    socket.setTimeout(sendTimeoutMs);
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) {
        request.log.warn({ sendTimeoutMs }, 'response abandoned: the client stopped reading or went away');
      }
    });
  });
}
