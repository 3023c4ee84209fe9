// What the service checks at start, as a process: a port in use is refused
// before the database is touched; a database it cannot reach is named by its
// setting, password hidden; production refuses the embedded store unless told;
// SAMPLE_DATA decides whether the sample orders are seeded.
import { readdirSync } from 'node:fs';
import net from 'node:net';
import postgres from 'postgres';
import t from 'tap';
import { runUntilExit } from './helpers/refused-start.js';
import { serviceDatabase, startServiceProcess } from './helpers/service-process.js';
import { sendChecked } from './helpers/socket.js';

async function listeningServer(): Promise<net.Server> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return server;
}
const portOf = (server: net.Server) => (server.address() as net.AddressInfo).port;

t.test('a port already in use is one line naming PORT and HOST, before the database is opened', async (t) => {
  const taken = await listeningServer();
  t.teardown(() => void taken.close());
  const database = await serviceDatabase(t);

  const refused = await runUntilExit({ ...database.env, PORT: String(portOf(taken)) });
  t.equal(refused.code, 1);
  t.same(refused.stderr, [`order service cannot start: PORT ${portOf(taken)} on HOST 127.0.0.1 is already in use`]);
  if (database.config.kind === 'pglite') {
    t.same(readdirSync(database.config.dataDir), [], 'the store directory is untouched (no lock, no files)');
  } else {
    const client = postgres(database.config.url, { max: 1, onnotice: () => {} });
    const [row] = await client`select to_regclass('drizzle.__drizzle_migrations') as migrations`;
    await client.end();
    t.equal(row!.migrations, null, 'the database was not migrated');
  }
});

t.test('a database that refuses connections is named by DATABASE_URL, password redacted', async (t) => {
  const closed = await listeningServer();
  const port = portOf(closed);
  await new Promise((resolve) => closed.close(resolve)); // nothing listens there now
  const refused = await runUntilExit({ DATABASE_URL: `postgres://orders:s3cret-pw@127.0.0.1:${port}/orders` });
  t.equal(refused.code, 1);
  t.same(refused.stderr, [
    `order service cannot start: DATABASE_URL postgres://orders:***@127.0.0.1:${port}/orders: connect ECONNREFUSED 127.0.0.1:${port}`,
  ]);
});

t.test(
  'NODE_ENV=production on the embedded store is refused in one line unless ALLOW_EMBEDDED_DATABASE=true',
  async (t) => {
    const refused = await runUntilExit({ NODE_ENV: 'production', API_KEYS: 'a-write-key-of-16+:write' });
    t.equal(refused.code, 1);
    t.equal(refused.stderr.length, 1);
    t.match(
      refused.stderr[0],
      /^order service cannot start: NODE_ENV=production needs DATABASE_URL .*ALLOW_EMBEDDED_DATABASE=true/,
    );
  },
);

t.test('SAMPLE_DATA=false starts without the sample orders, with the services catalogue', async (t) => {
  const database = await serviceDatabase(t);
  const service = await startServiceProcess(t, { ...database.env, SAMPLE_DATA: 'false' });
  t.equal((await sendChecked(service.url, { path: '/orders/223' })).status, 404);
  t.equal((await sendChecked(service.url, { path: '/services/123' })).status, 200);
  service.kill('SIGTERM');
  t.same(await service.exited, { code: 0, signal: null });
});
