// Compression where it pays: large responses in br or gzip when accepted;
// small ones, single orders (their ETag names the bytes) and 304s as they
// were; HEAD and problem+json bodies unharmed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { assertMatchesContract } from './helpers/contract.js';
import { freshDatabase } from './helpers/database.js';

const folder = mkdtempSync(join(tmpdir(), 'compression-'));
t.teardown(() => rmSync(folder, { recursive: true, force: true }));
const docsPath = join(folder, 'docs.html');
const page = `<!DOCTYPE html><html><body>${'<p>The 3-hour rule, documented.</p>\n'.repeat(60_000)}</body></html>`;
writeFileSync(docsPath, page);

const database = await freshDatabase(t);
async function service(compressionThresholdBytes?: number) {
  const app = await buildApp({ database, docsPath, limits: { compressionThresholdBytes } });
  t.teardown(() => app.close());
  return app;
}
const app = await service();
const everything = await service(0); // a threshold of 0: every body is a candidate

/** The body as sent, decoded per Content-Encoding, and held to the contract. */
function decoded(method: string, url: string, res: LightMyRequestResponse): string {
  const raw = res.rawPayload;
  const encoding = res.headers['content-encoding'];
  const body = (encoding === 'br' ? brotliDecompressSync(raw) : encoding === 'gzip' ? gunzipSync(raw) : raw).toString();
  assertMatchesContract({ method, url, status: res.statusCode, headers: res.headers, body });
  return body;
}

t.test('the docs page goes out in gzip or br when accepted, far smaller, and decodes to the page', async (t) => {
  const plain = await app.inject({ url: '/docs' });
  t.equal(plain.headers['content-encoding'], undefined, 'not without Accept-Encoding');
  t.equal(plain.rawPayload.length, Buffer.byteLength(page));
  for (const [accept, expected] of [
    ['gzip', 'gzip'],
    ['br', 'br'],
    ['gzip, deflate, br', 'br'],
    ['gzip;q=1, br;q=0.5', 'gzip'],
  ] as const) {
    const res = await app.inject({ url: '/docs', headers: { 'accept-encoding': accept } });
    t.equal(res.statusCode, 200);
    t.equal(res.headers['content-encoding'], expected, accept);
    t.match(res.headers.vary, /accept-encoding/i);
    t.ok(res.rawPayload.length < plain.rawPayload.length / 10, `${res.rawPayload.length} bytes in ${expected}`);
    t.equal(decoded('GET', '/docs', res), page);
  }
  const identity = await app.inject({ url: '/docs', headers: { 'accept-encoding': 'identity' } });
  t.equal(identity.headers['content-encoding'], undefined);
});

// Fastify's HEAD routes are not seen by the plugin: HEAD describes the
// uncompressed page, consistently (no Content-Encoding, its length).
t.test('HEAD answers with no body and the headers of the uncompressed page', async (t) => {
  const res = await app.inject({ method: 'HEAD', url: '/docs', headers: { 'accept-encoding': 'gzip' } });
  t.equal(res.statusCode, 200);
  t.equal(res.rawPayload.length, 0);
  t.equal(res.headers['content-encoding'], undefined);
  t.equal(Number(res.headers['content-length']), Buffer.byteLength(page));
});

t.test('the specification and a list compress; a small answer stays as it is', async (t) => {
  const spec = await app.inject({ url: '/openapi.json', headers: { 'accept-encoding': 'gzip' } });
  t.equal(spec.headers['content-encoding'], 'gzip');
  t.ok(JSON.parse(decoded('GET', '/openapi.json', spec)).openapi);
  const yaml = await app.inject({ url: '/openapi.yaml', headers: { 'accept-encoding': 'gzip' } });
  t.equal(yaml.headers['content-encoding'], 'gzip');
  t.match(decoded('GET', '/openapi.yaml', yaml), /^openapi: 3/);
  const small = await app.inject({ url: '/services/123', headers: { 'accept-encoding': 'gzip' } });
  t.equal(small.headers['content-encoding'], undefined, 'under the 1 KiB threshold');
  t.same(small.json(), { id: '123', name: 'Inspection' });
});

t.test('problem+json bodies compress and decode to the same problem', async (t) => {
  const res = await everything.inject({ url: '/orders/4040', headers: { 'accept-encoding': 'gzip' } });
  t.equal(res.statusCode, 404);
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
  t.equal(res.headers['content-encoding'], 'gzip');
  t.match(JSON.parse(decoded('GET', '/orders/4040', res)), { type: '/problems/not-found', status: 404 });
});

t.test('a single order (it has an ETag) is never compressed: its ETag and 304s work as before', async (t) => {
  const res = await everything.inject({ url: '/orders/223', headers: { 'accept-encoding': 'gzip, br' } });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-encoding'], undefined);
  t.ok(res.headers.etag);
  t.equal(res.json().id, '223');
  const notModified = await everything.inject({
    url: '/orders/223',
    headers: { 'accept-encoding': 'gzip', 'if-none-match': String(res.headers.etag) },
  });
  t.equal(notModified.statusCode, 304);
  t.equal(notModified.rawPayload.length, 0);
  t.equal(notModified.headers['content-encoding'], undefined);
  // The list that holds the same order is compressed all the same.
  const list = await everything.inject({ url: '/orders', headers: { 'accept-encoding': 'gzip' } });
  t.equal(list.headers['content-encoding'], 'gzip');
  t.ok(JSON.parse(decoded('GET', '/orders', list)).data.some((o: { id: string }) => o.id === '223'));
});

t.test('a compressed request body is not inflated: it is refused as the bytes it is', async (t) => {
  const res = await app.inject({
    method: 'POST',
    url: '/services',
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    payload: Buffer.from([0x1f, 0x8b, 0x08, 0x00]),
  });
  t.equal(res.statusCode, 400);
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
});
