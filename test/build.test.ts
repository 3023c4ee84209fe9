// `npm run build` output runs as production runs it (the Dockerfile's CMD):
// `node dist/server.js`, no TypeScript loader. dist/ must find the spec, the
// docs page and the migrations from where it is, and serve the operations.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { freeSlot } from './helpers/fixtures.js';
import { serviceDatabase, startServiceProcess } from './helpers/service-process.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSC = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));

// tsc and a service process on two shared cores: more than the default file timeout.
t.setTimeout(300_000);

// The compile step of `npm run build` (its other step, the docs page, ran before the tests).
await promisify(execFile)(process.execPath, [TSC, '-p', 'tsconfig.build.json'], { cwd: ROOT, timeout: 120_000 });

t.test('node dist/server.js migrates, serves the contract and the docs, and takes an order', async (t) => {
  const database = await serviceDatabase(t);
  const service = await startServiceProcess(t, database.env, ['dist/server.js']);

  t.equal((await fetch(`${service.url}/readyz`)).status, 200, 'ready: the migrations were found and applied');
  const spec = await fetch(`${service.url}/openapi.json`);
  t.equal(spec.status, 200);
  t.match(await spec.json(), { openapi: '3.0.3', servers: [{ url: '/' }] });
  const docs = await fetch(`${service.url}/docs`);
  t.equal(docs.status, 200, 'the docs page was found');
  t.match(docs.headers.get('content-security-policy'), /^default-src 'none'/);
  await docs.text();

  const datetime = freeSlot().toISOString();
  const created = await fetch(`${service.url}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ datetime, totalfee: 3, services: [{ id: '123' }] }),
  });
  t.equal(created.status, 201);
  t.match(await created.json(), { datetime, services: [{ id: '123' }] });

  service.kill('SIGTERM');
  t.same(await service.exited, { code: 0, signal: null }, 'and stops gracefully');
});
