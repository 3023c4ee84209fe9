// A webhook receiver on a real socket: records every delivery (headers and
// raw body) and answers what the test says (200 by default; a status, or
// `hold` to keep the request open). `stop()` and `start()` take it down and
// bring it back on the same port.
import http from 'node:http';
import type net from 'node:net';

export interface Received {
  /** The request's path and query. */
  path: string;
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  at: number;
}

export type Answer = number | 'hold';

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** What to answer the next deliveries (after `answer` runs out: 200). */
  answer: (delivery: Received) => Answer;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Resolves once `predicate` holds for what was received; fails after `timeoutMs`. */
  until(predicate: (received: Received[]) => boolean, timeoutMs?: number): Promise<void>;
}

export async function startReceiver(t: { teardown(fn: () => unknown): void }, port = 0): Promise<Receiver> {
  const sockets = new Set<net.Socket>();
  const held: http.ServerResponse[] = [];
  let server: http.Server;
  const receiver: Receiver = {
    url: '',
    port,
    received: [],
    answer: () => 200,
    async start() {
      server = http.createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const delivery = {
            path: request.url ?? '',
            id: String(request.headers['webhook-id']),
            timestamp: String(request.headers['webhook-timestamp']),
            signature: String(request.headers['webhook-signature']),
            body: Buffer.concat(chunks).toString(),
            at: Date.now(),
          };
          receiver.received.push(delivery);
          const answer = receiver.answer(delivery);
          if (answer === 'hold') return void held.push(response);
          response.writeHead(answer).end();
        });
      });
      server.on('connection', (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => server.listen(receiver.port, '127.0.0.1', resolve));
      receiver.port = (server.address() as net.AddressInfo).port;
      receiver.url = `http://127.0.0.1:${receiver.port}/hooks`;
    },
    async stop() {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      held.length = 0;
      await closed;
    },
    async until(predicate, timeoutMs = 20_000) {
      for (const deadline = Date.now() + timeoutMs; !predicate(receiver.received); ) {
        if (Date.now() > deadline) {
          throw new Error(`the receiver did not get what was expected; it got ${receiver.received.length} deliveries`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
  await receiver.start();
  t.teardown(() => (server.listening ? receiver.stop() : undefined));
  return receiver;
}
