// Sizes and CPU cost of compressing the service's large responses, as
// docs/pending/limits.md reports them: npx tsx scripts/measure-compression.ts
// (after `npm run docs`). Uses the same settings as src/limits/compression.ts.
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { DOCS_PATH, loadSpec } from '../src/contract/spec.js';

const order = (i: number) => ({
  id: String(1000 + i),
  datetime: new Date(Date.UTC(2030, 0, 1) + i * 3 * 3600_000).toISOString(),
  totalfee: 250.5,
  services: Array.from({ length: 20 }, (_, s) => ({ id: String(123 + s), name: `Service number ${s}` })),
  createdAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
});
const bodies: Record<string, string> = {
  '/docs': readFileSync(DOCS_PATH, 'utf8'),
  '/openapi.json': JSON.stringify(loadSpec()),
  'GET /orders?limit=200 (20 services each)': JSON.stringify({
    data: Array.from({ length: 200 }, (_, i) => order(i)),
    nextCursor: 'MTg5MzQ1NjAwMDAwMDoxMDAwOjo',
  }),
  'one order (not compressed: ETag)': JSON.stringify(order(0)),
};

const cpuMs = (fn: () => Buffer, rounds: number) => {
  fn();
  const start = process.cpuUsage();
  for (let i = 0; i < rounds; i++) fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / rounds;
};

console.log('| response | identity | gzip | CPU gzip | br (q4) | CPU br |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const [name, text] of Object.entries(bodies)) {
  const raw = Buffer.from(text);
  const rounds = raw.length > 1e6 ? 10 : 100;
  const gzip = () => gzipSync(raw);
  const br = () => brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } });
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(
    `| ${name} | ${kb(raw.length)} | ${kb(gzip().length)} | ${cpuMs(gzip, rounds).toFixed(2)} ms | ${kb(br().length)} | ${cpuMs(br, rounds).toFixed(2)} ms |`,
  );
}
