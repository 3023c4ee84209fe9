// HTTP/1.1 written by hand on a TCP socket, for what fetch cannot do: send a
// request slowly or in pieces, send headers Node refuses, and see exactly
// what comes back before the server closes the connection.
import net from 'node:net';
import type { ApiResponse } from './response.js';

/** The response every helper gives, as bytes on the wire: the body is left as text, headers are single strings. */
export interface RawResponse extends ApiResponse<string> {
  headers: Record<string, string>;
  /** Milliseconds from connecting until the server closed the connection. */
  closedAfterMs: number;
}

export interface RawConnection {
  write(text: string): void;
  /** Resolves with what the server sent once it closes the connection (or after `idleMs` without data). */
  response(idleMs?: number): Promise<RawResponse>;
  /** Everything the server has sent so far. */
  received(): string;
  /** Resolves once what the server has sent satisfies `done` (or it closed the connection); rejects after `ms`. */
  until(done: (received: string) => boolean, ms?: number): Promise<void>;
  end(): void;
}

export function parseResponse(text: string, closedAfterMs: number): RawResponse {
  const split = text.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n');
  const headers = Object.fromEntries(
    lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
  );
  const length = Number(headers['content-length'] ?? text.length);
  const body = Buffer.from(text.slice(split + 4))
    .subarray(0, length)
    .toString();
  return { status: Number(statusLine.split(' ')[1]), headers, body, text: body, closedAfterMs };
}

/** Every response in `text`, in order: the answers to pipelined requests, 100 Continue included. */
export function parseResponses(text: string, closedAfterMs: number): RawResponse[] {
  const responses: RawResponse[] = [];
  for (let rest = Buffer.from(text); rest.length > 0; ) {
    const split = rest.indexOf('\r\n\r\n');
    if (split < 0) throw new Error(`not a whole response: ${rest.toString()}`);
    const head = parseResponse(rest.subarray(0, split + 4).toString(), closedAfterMs);
    const length = head.status < 200 ? 0 : Number(head.headers['content-length'] ?? rest.length - split - 4);
    if (rest.length < split + 4 + length) throw new Error(`not a whole response: ${rest.toString()}`);
    const body = rest.subarray(split + 4, split + 4 + length).toString();
    responses.push({ ...head, body, text: body });
    rest = rest.subarray(split + 4 + length);
  }
  return responses;
}

export async function rawConnection(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const started = Date.now();
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString()));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => {});
  return {
    write: (text) => void socket.write(text),
    async response(idleMs) {
      if (idleMs === undefined) await closed;
      else {
        // A complete response on a connection the server keeps open.
        for (let last = received; ; last = received) {
          await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, idleMs))]);
          if (received === last || socket.destroyed) break;
        }
      }
      return parseResponse(received, Date.now() - started);
    },
    received: () => received,
    async until(done, ms = 10_000) {
      for (const deadline = Date.now() + ms; !done(received) && !socket.destroyed; ) {
        if (Date.now() > deadline) throw new Error(`not received within ${ms} ms; so far: ${JSON.stringify(received)}`);
        await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 10))]);
      }
    },
    end: () => void socket.end(),
  };
}

/** True when nothing accepts connections at `url` any more. */
export async function refusesConnections(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}
