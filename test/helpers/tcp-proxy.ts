// A TCP proxy between the service and PostgreSQL that a test can break on
// purpose, without touching the server other people's tests use:
// - cut():     what clients see when PostgreSQL stops: open connections are
//              reset and new ones are refused (reset at once);
// - blackhole(): what they see when the network drops packets: connections
//              stay open but nothing arrives, and new ones hang;
// - restore(): PostgreSQL is back; held bytes are delivered.
import net from 'node:net';

type Mode = 'up' | 'cut' | 'blackhole';

export interface TcpProxy {
  port: number;
  cut(): void;
  blackhole(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: Mode = 'up';
  const links = new Set<{ client: net.Socket; upstream: net.Socket; held: [net.Socket, Buffer][] }>();

  const server = net.createServer((client) => {
    if (mode === 'cut') return void client.resetAndDestroy();
    const link = { client, upstream: net.connect(target), held: [] as [net.Socket, Buffer][] };
    links.add(link);
    // While the network is a black hole, bytes are held here, not delivered.
    const forward = (to: net.Socket) => (chunk: Buffer) =>
      mode === 'up' ? to.write(chunk) : link.held.push([to, chunk]);
    client.on('data', forward(link.upstream));
    link.upstream.on('data', forward(client));
    const end = () => {
      links.delete(link);
      client.destroy();
      link.upstream.destroy();
    };
    for (const socket of [client, link.upstream]) socket.on('error', end).on('close', end);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      mode = 'cut';
      for (const link of links) {
        link.client.resetAndDestroy();
        link.upstream.destroy();
      }
      links.clear();
    },
    blackhole() {
      mode = 'blackhole';
    },
    restore() {
      mode = 'up';
      for (const link of links) for (const [to, chunk] of link.held.splice(0)) to.write(chunk);
    },
    async close() {
      for (const link of links) {
        link.client.destroy();
        link.upstream.destroy();
      }
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
