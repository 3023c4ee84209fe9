// The first step of a graceful shutdown: stop accepting connections, but do
// not close the idle keep-alive ones yet. A load balancer holding one in its
// pool may be writing a request on it at the very moment it is closed;
// nginx never resends a POST it has written, so its client would get a 503
// for a request no process saw (test/load-balancer.test.ts). Instead, for
// a grace period every request that arrives on an open connection is
// served, with `Connection: close`, so the client itself drops the
// connection after the answer; the grace ends early once none is left.
// Then Fastify's close closes whatever is still idle (src/server.ts).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import net from 'node:net';

const POLL_MS = 50;

const openConnections = (server: Server) =>
  new Promise<number>((resolve) => server.getConnections((error, count) => resolve(error ? 0 : count)));

export async function stopAccepting(server: Server, graceMs: number): Promise<void> {
  // Before Fastify's own handler: every answer from now on closes its connection.
  server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
    response.setHeader('connection', 'close');
  });
  // net.Server's close only: http.Server's also closes every idle connection at once.
  net.Server.prototype.close.call(server);
  for (const deadline = Date.now() + graceMs; Date.now() < deadline && (await openConnections(server)) > 0; ) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
