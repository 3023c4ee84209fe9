// The first step of a graceful shutdown: stop accepting connections, but do
// not close the idle keep-alive ones yet. A load balancer holding one in its
// pool may be writing a request on it at the very moment it is closed;
// nginx never resends a POST it has written, so its client would get a 503
// for a request no process saw (test/load-balancer.test.ts). Instead, for
// a grace period every request that arrives on an open connection is
// served, and every answer from the signal on (those in flight at it too)
// carries `Connection: close`, so the client itself drops the connection
// after it; the grace ends early once no connection is left. Then whatever
// is idle is closed, and the rest once their requests are answered; only
// then does src/server.ts close the app (its onClose hooks) and the pools.
import net from 'node:net';
import type { FastifyInstance } from 'fastify';

const POLL_MS = 50;

export interface Drain {
  /**
   * Stops accepting connections, answers on the open ones for `graceMs` (or
   * until none is left), then closes each as soon as it is idle; resolves
   * when every connection has ended, i.e. every request has been answered.
   */
  drain(graceMs: number): Promise<void>;
}

/** Call before the app is ready (it adds a hook). */
export function drainable(app: FastifyInstance): Drain {
  let draining = false;
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (draining) reply.header('connection', 'close');
    done(null, payload);
  });
  const server = app.server;
  const openConnections = () =>
    new Promise<number>((resolve) => server.getConnections((error, count) => resolve(error ? 0 : count)));
  return {
    async drain(graceMs) {
      draining = true;
      // net.Server's close only: http.Server's also closes every idle connection at once.
      const ended = new Promise<void>((resolve) => net.Server.prototype.close.call(server, () => resolve()));
      for (const deadline = Date.now() + graceMs; Date.now() < deadline && (await openConnections()) > 0; ) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      // Those idle now, and those that become idle later (a request in
      // flight whose client keeps the connection): without this, the close
      // would wait for their keep-alive timeout (72 s).
      server.closeIdleConnections();
      const reaper = setInterval(() => server.closeIdleConnections(), 100);
      await ended;
      clearInterval(reaper);
    },
  };
}
