// Local ports for tests that need a socket: one nothing listens on (for a
// process to take, or for a client to be refused by), and the URL of a
// server listening on a port of its own.
import net from 'node:net';

/** A localhost port that was free a moment ago: nothing listens on it. */
export async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts `server` on a free localhost port; resolves with its base URL. */
export async function listenLocally(server: net.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}
