// Configuration comes from the environment, with defaults a newcomer can
// run with, and a bad value stops the service with a message naming it.
import t from 'tap';
import { loadConfig } from '../src/config.js';

t.test('defaults: port 3000 on 127.0.0.1, embedded PGlite under ./data/pglite', async (t) => {
  const config = loadConfig({});
  t.equal(config.port, 3000);
  t.equal(config.host, '127.0.0.1');
  t.same(config.database, { kind: 'pglite', dataDir: './data/pglite' });
  t.ok(Object.isFrozen(config));
});

t.test('DATABASE_URL switches to PostgreSQL, with pool and timeouts', async (t) => {
  const config = loadConfig({
    DATABASE_URL: 'postgres://u@db:5432/orders',
    DB_POOL_MAX: '20',
    PORT: '8080',
    HOST: '0.0.0.0',
  });
  t.same(config.database, {
    kind: 'postgres',
    url: 'postgres://u@db:5432/orders',
    poolMax: 20,
    connectTimeoutSeconds: 5,
    statementTimeoutMs: 5000,
    readUrls: [],
    readRetryMs: 5000,
  });
  t.equal(config.port, 8080);
  t.equal(config.host, '0.0.0.0');
});

t.test('DATABASE_READ_URL names one or more replicas; PGlite has none and refuses it', async (t) => {
  const primary = { DATABASE_URL: 'postgres://u@db:5432/orders' };
  const config = loadConfig({ ...primary, DATABASE_READ_URL: 'postgres://u@r1/orders, postgres://u@r2/orders' });
  t.match(config.database, { readUrls: ['postgres://u@r1/orders', 'postgres://u@r2/orders'], readRetryMs: 5000 });
  t.throws(
    () => loadConfig({ DATABASE_READ_URL: 'postgres://u@r1/orders' }),
    /^DATABASE_READ_URL needs DATABASE_URL \(PostgreSQL\): the embedded PGlite store has no replicas$/,
  );
  t.throws(
    () => loadConfig({ ...primary, DATABASE_READ_URL: 'postgres://u@r1/orders,mysql://r2' }),
    /DATABASE_READ_URL entry 2 must start with postgres:\/\//,
  );
  t.throws(() => loadConfig({ ...primary, DB_READ_RETRY_MS: '5' }), /DB_READ_RETRY_MS must be an integer/);
});

t.test('API_KEYS holds token:scope entries; without it authentication is off', async (t) => {
  t.same(loadConfig({}).apiKeys, []);
  t.same(loadConfig({ API_KEYS: 'aaaaaaaaaaaaaaaa:write, bbbbbbbbbbbbbbbb:read' }).apiKeys, [
    { token: 'aaaaaaaaaaaaaaaa', scope: 'write' },
    { token: 'bbbbbbbbbbbbbbbb', scope: 'read' },
  ]);
});

t.test('NODE_ENV=production refuses to start without API_KEYS', async (t) => {
  const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://u@db:5432/orders' };
  t.throws(() => loadConfig(production), /API_KEYS must be set when NODE_ENV=production/);
  t.equal(loadConfig({ ...production, API_KEYS: 'cccccccccccccccc:write' }).apiKeys.length, 1);
});

t.test(
  'NODE_ENV=production refuses the embedded store unless ALLOW_EMBEDDED_DATABASE=true says it is intended',
  async (t) => {
    const production = { NODE_ENV: 'production', API_KEYS: 'cccccccccccccccc:write' };
    t.throws(
      () => loadConfig(production),
      /^NODE_ENV=production needs DATABASE_URL \(PostgreSQL\): the embedded PGlite store does not survive an OS crash or power loss; set ALLOW_EMBEDDED_DATABASE=true if that is intended$/,
    );
    t.throws(() => loadConfig({ ...production, ALLOW_EMBEDDED_DATABASE: 'false' }), /needs DATABASE_URL/);
    t.equal(loadConfig({ ...production, ALLOW_EMBEDDED_DATABASE: 'true' }).database.kind, 'pglite');
    t.equal(loadConfig({ ...production, DATABASE_URL: 'postgres://u@db/orders' }).database.kind, 'postgres');
    t.equal(loadConfig({}).database.kind, 'pglite', 'outside production PGlite needs no permission');
  },
);

t.test('SAMPLE_DATA seeds the sample orders: on by default, off by default in production', async (t) => {
  t.equal(loadConfig({}).sampleData, true);
  t.equal(loadConfig({ SAMPLE_DATA: 'false' }).sampleData, false);
  const production = { NODE_ENV: 'production', API_KEYS: 'cccccccccccccccc:write', DATABASE_URL: 'postgres://db/o' };
  t.equal(loadConfig(production).sampleData, false);
  t.equal(loadConfig({ ...production, SAMPLE_DATA: 'true' }).sampleData, true);
});

t.test('PGLITE_DIR=memory:// keeps the embedded store in memory', async (t) => {
  t.same(loadConfig({ PGLITE_DIR: 'memory://' }).database, { kind: 'pglite', dataDir: 'memory://' });
});

for (const [name, value, message] of [
  ['PORT', 'http', /PORT must be an integer from 0 to 65535, got "http"/],
  ['PORT', '70000', /PORT must be an integer/],
  ['DB_POOL_MAX', '0', /DB_POOL_MAX must be an integer from 1/],
  ['REQUEST_TIMEOUT_MS', '1.5', /REQUEST_TIMEOUT_MS must be an integer/],
  ['DATABASE_URL', 'mysql://db/orders', /DATABASE_URL must start with postgres:\/\//],
  ['API_KEYS', 'short:write', /API_KEYS entry 1 must be token:scope/],
  ['API_KEYS', 'aaaaaaaaaaaaaaaa:admin', /API_KEYS entry 1/],
  ['API_KEYS', 'aaaaaaaaaaaaaaaa:write,bbbb:bbbbbbbbbbbbbbbb:read', /API_KEYS entry 2/],
  ['SAMPLE_DATA', 'yes', /SAMPLE_DATA must be true or false, got "yes"/],
  ['ALLOW_EMBEDDED_DATABASE', '1', /ALLOW_EMBEDDED_DATABASE must be true or false, got "1"/],
] as const) {
  t.test(`${name}=${value} is refused`, async (t) => {
    const env: Record<string, string> = { [name]: value };
    if (name === 'DB_POOL_MAX') env.DATABASE_URL = 'postgres://db/orders';
    t.throws(() => loadConfig(env), message);
  });
}

t.test('SHUTDOWN_GRACE_MS: how long a shutdown still answers on open connections, 1 s by default', async (t) => {
  t.equal(loadConfig({}).shutdownGraceMs, 1000);
  t.equal(loadConfig({ SHUTDOWN_GRACE_MS: '0' }).shutdownGraceMs, 0, '0: close idle connections at once');
  t.throws(() => loadConfig({ SHUTDOWN_GRACE_MS: '-1' }), /SHUTDOWN_GRACE_MS must be an integer from 0 to 600000/);
});
