// A client that stops reading its response does not hold the connection:
// once the response has started, a socket that accepts no bytes for
// SEND_TIMEOUT_MS is closed. A client that reads, however slowly overall,
// and an idle keep-alive connection are not affected.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { freshDatabase } from './helpers/database.js';

const SEND_TIMEOUT_MS = 500;
const folder = mkdtempSync(join(tmpdir(), 'slow-readers-'));
t.teardown(() => rmSync(folder, { recursive: true, force: true }));
const docsPath = join(folder, 'docs.html');
// Larger than what the kernel buffers on both sides of a loopback connection hold.
const page = `<!DOCTYPE html><html><body>${'x'.repeat(32 * 1024 * 1024)}</body></html>`;
writeFileSync(docsPath, page);

const database = await freshDatabase(t);
const app = await buildApp({ database, docsPath, limits: { sendTimeoutMs: SEND_TIMEOUT_MS } });
t.teardown(() => app.close());
await app.listen({ port: 0, host: '127.0.0.1' });
const { port } = app.server.address() as net.AddressInfo;

/** Server-side sockets, and when each closed. */
const closedAt = new Map<net.Socket, number>();
app.server.on('connection', (socket: net.Socket) => socket.on('close', () => closedAt.set(socket, Date.now())));

async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return condition();
}

t.test('a client that stops reading a large response is disconnected within the bound', async (t) => {
  const before = closedAt.size;
  const client = net.connect(port, '127.0.0.1');
  t.teardown(() => client.destroy());
  let received = 0;
  client.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > 64 * 1024) client.pause(); // the client stops reading after the first bytes
  });
  client.write('GET /docs HTTP/1.1\r\nHost: localhost\r\n\r\n');
  t.ok(await waitFor(() => client.isPaused(), 5000), 'the response started');
  const stoppedAt = Date.now();
  t.ok(await waitFor(() => closedAt.size > before, 10_000), 'the server closed the connection');
  const after = [...closedAt.values()].at(-1)! - stoppedAt;
  t.ok(after < SEND_TIMEOUT_MS + 4000, `closed ${after} ms after the client stopped reading`);
  t.ok(received < Buffer.byteLength(page), 'the response was not delivered');
});

t.test('a client that reads the whole large response gets all of it', async (t) => {
  const client = net.connect(port, '127.0.0.1');
  t.teardown(() => client.destroy());
  let received = 0;
  client.on('data', (chunk: Buffer) => {
    received += chunk.length;
  });
  client.write('GET /docs HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
  await new Promise((resolve) => client.on('close', resolve));
  t.ok(received > Buffer.byteLength(page), `${received} bytes received`);
});

t.test('an idle keep-alive connection outlives the send timeout: it is not a stalled response', async (t) => {
  const client = net.connect(port, '127.0.0.1');
  t.teardown(() => client.destroy());
  let text = '';
  client.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const answers = () => text.split('HTTP/1.1 200').length - 1;
  client.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
  t.ok(await waitFor(() => answers() === 1, 5000));
  // Proving that something does not happen takes waiting past its bound.
  await new Promise((resolve) => setTimeout(resolve, SEND_TIMEOUT_MS * 3));
  t.notOk(client.destroyed);
  client.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
  t.ok(await waitFor(() => answers() === 2, 5000), 'the same connection answers again');
});
