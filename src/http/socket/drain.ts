// The first step of a graceful shutdown: stop accepting connections, but do
// not close the idle keep-alive ones yet. A load balancer holding one in its
// pool may be writing a request on it at the very moment it is closed;
// nginx never resends a POST it has written, so its client would get a 503
// for a request no process saw (test/load-balancer.test.ts). Instead, for
// a grace period every request that arrives on an open connection is
// served, and every answer from the signal on (those in flight at it too)
// carries `Connection: close`, so the client itself drops the connection
// after it; the grace ends early once no connection is left. Then Fastify's
// close closes whatever is still idle (src/server.ts).
import net from 'node:net';
import type { FastifyInstance } from 'fastify';

const POLL_MS = 50;

export interface Drain {
  /** Resolves when the grace period is over, or no connection is left open. */
  stopAccepting(graceMs: number): Promise<void>;
}

/** Call before the app is ready (it adds a hook). */
export function drainable(app: FastifyInstance): Drain {
  let draining = false;
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (draining) reply.header('connection', 'close');
    done(null, payload);
  });
  const openConnections = () =>
    new Promise<number>((resolve) => app.server.getConnections((error, count) => resolve(error ? 0 : count)));
  return {
    async stopAccepting(graceMs) {
      draining = true;
      // net.Server's close only: http.Server's also closes every idle connection at once.
      net.Server.prototype.close.call(app.server);
      for (const deadline = Date.now() + graceMs; Date.now() < deadline && (await openConnections()) > 0; ) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },
  };
}
