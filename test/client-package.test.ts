// The client package as a consumer team gets it: `npm pack` in
// clients/typescript, the tarball installed into an empty project (npm's cache
// first: openapi-fetch is there since `npm ci`), then driven
// with plain `node` (no TypeScript loader) against the running service, and a
// consumer's .ts file type-checked with tsc against the package's .d.ts.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { parse } from 'yaml';
import { freeSlot } from './helpers/fixtures.js';
import { CLIENT_TOKEN, startService } from './helpers/server.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGE_DIR = join(ROOT, 'clients/typescript');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
// A consumer's environment: none of tap's loaders or coverage hooks.
const ENV = { PATH: process.env.PATH, HOME: process.env.HOME };
const run = (file: string, args: string[], cwd: string) =>
  promisify(execFile)(file, args, { cwd, env: ENV, timeout: 120_000, maxBuffer: 8 * 1024 * 1024 });

// npm pack, install and a cold PGlite on two shared cores: more than the default file timeout.
t.setTimeout(300_000);

const consumer = mkdtempSync(join(tmpdir(), 'order-client-consumer-'));
t.teardown(() => rmSync(consumer, { recursive: true, force: true }));

const packed = await run('npm', ['pack', '--json', '--pack-destination', consumer], PACKAGE_DIR);
const [tarball] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as {
  filename: string;
  version: string;
  files: { path: string }[];
}[];
writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', `./${tarball!.filename}`], consumer);

t.test('the tarball holds compiled JavaScript and declarations, and speaks the current contract', async (t) => {
  const files = tarball!.files.map((f) => f.path).sort();
  t.same(files, ['dist/api.d.ts', 'dist/index.d.ts', 'dist/index.js', 'package.json']);
  const spec = parse(readFileSync(join(ROOT, 'openapi/openapi.yaml'), 'utf8')) as { info: { version: string } };
  t.equal(tarball!.version, spec.info.version, 'clients/typescript/package.json version is the spec info.version');
});

t.test('installing it brings openapi-fetch, none of the server dependencies', async (t) => {
  const modules = join(consumer, 'node_modules');
  t.ok(existsSync(join(modules, '@order-service/client/dist/index.js')));
  t.ok(existsSync(join(modules, 'openapi-fetch')));
  for (const server of ['fastify', '@electric-sql/pglite', 'postgres', 'drizzle-orm', 'tsx']) {
    t.notOk(existsSync(join(modules, server)), `no ${server}`);
  }
});

t.test('plain node imports the client and creates and reads an order', async (t) => {
  const service = await startService(t);
  writeFileSync(
    join(consumer, 'create-and-read.mjs'),
    `import { createOrdersClient } from '@order-service/client';
const [baseUrl, token, datetime] = process.argv.slice(2);
const client = createOrdersClient(baseUrl, { token });
const created = await client.POST('/orders', { body: { datetime, totalfee: 12.5, services: [{ id: '123' }] } });
const read = await client.GET('/orders/{orderId}', { params: { path: { orderId: created.data.id } } });
console.log(JSON.stringify({ status: created.response.status, created: created.data, read: read.data }));
`,
  );
  const datetime = freeSlot().toISOString();
  const { stdout } = await run(
    process.execPath,
    ['create-and-read.mjs', service.url, CLIENT_TOKEN, datetime],
    consumer,
  );
  const { status, created, read } = JSON.parse(stdout);
  t.equal(status, 201);
  t.match(created, { datetime, totalfee: 12.5, services: [{ id: '123' }] });
  t.same(read, created, 'the order reads back as created');
});

t.test("tsc checks a consumer's file against the package's types", async (t) => {
  writeFileSync(
    join(consumer, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2022', 'DOM'],
        types: [],
        strict: true,
        noEmit: true,
      },
      include: ['consumer.ts'],
    }),
  );
  // The @ts-expect-error lines prove the types are real: unused, each is an error itself.
  writeFileSync(
    join(consumer, 'consumer.ts'),
    `import { createOrdersClient, type Order } from '@order-service/client';
const client = createOrdersClient('http://127.0.0.1:3000', { token: 'key' });
export async function book(datetime: string): Promise<Order | undefined> {
  const { data } = await client.POST('/orders', { body: { datetime, totalfee: 1, services: [{ id: '123' }] } });
  // @ts-expect-error totalfee is a number
  await client.POST('/orders', { body: { datetime, totalfee: '1', services: [{ id: '123' }] } });
  // @ts-expect-error there is no such path
  await client.GET('/order');
  return data;
}
`,
  );
  const { stdout } = await run(process.execPath, [TSC, '-p', '.'], consumer);
  t.equal(stdout, '', 'no type error');
});
