// Rate limits: per API key (per address without a known key), 429
// problem+json with Retry-After and RateLimit-* headers, probes never
// limited; counters in memory or shared by replicas through Redis; a Redis
// that is down or stalls lets requests through.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { LimitsOptions } from '../src/limits/settings.js';
import { apiFor } from './helpers/api.js';
import { freshDatabase } from './helpers/database.js';
import { startTcpProxy } from './helpers/tcp-proxy.js';

const database = await freshDatabase(t);
const keys = [
  { token: 'rate-limit-writer-0123456789', scope: 'write' as const },
  { token: 'rate-limit-reader-0123456789', scope: 'read' as const },
];
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const writer = bearer(keys[0]!.token);
const reader = bearer(keys[1]!.token);
interface Test {
  teardown(fn: () => unknown): void;
}
const REDIS = 'redis://127.0.0.1:6379';

async function service(t: Test, limits: LimitsOptions['rateLimit'], apiKeys = keys) {
  const app = await buildApp({ database, apiKeys, limits: { rateLimit: { enabled: true, ...limits } } });
  t.teardown(() => app.close());
  return apiFor(app, database);
}

/** A Redis key prefix of this test's own, and its keys deleted afterwards. */
function redisPrefix(t: Test): string {
  const prefix = `order-service-test:${randomUUID()}:`;
  t.teardown(async () => {
    const redis = new Redis(REDIS);
    const found = await redis.keys(`${prefix}*`);
    if (found.length > 0) await redis.del(...found);
    await redis.quit();
  });
  return prefix;
}

t.test('a key gets max requests per window, each saying how many are left; then 429 with Retry-After', async (t) => {
  const api = await service(t, { max: 3, windowMs: 60_000 });
  for (const left of [2, 1, 0]) {
    const res = await api.get('/services/123', writer);
    t.equal(res.status, 200);
    t.equal(res.headers['ratelimit-limit'], '3');
    t.equal(res.headers['ratelimit-remaining'], String(left));
    t.ok(Number(res.headers['ratelimit-reset']) > 0 && Number(res.headers['ratelimit-reset']) <= 60);
  }
  const limited = await api.post('/services', { name: 'Over the limit' }, writer);
  t.equal(limited.status, 429);
  t.equal(limited.headers['content-type'], 'application/problem+json; charset=utf-8');
  t.match(limited.body, { type: '/problems/rate-limited', title: 'Too many requests', status: 429 });
  t.ok(Number(limited.headers['retry-after']) >= 1 && Number(limited.headers['retry-after']) <= 60);
  t.equal(limited.headers['ratelimit-remaining'], '0');
  t.notOk((await api.get('/services', reader)).body.data.some((s: { name: string }) => s.name === 'Over the limit'));
});

t.test('each key has its own budget; the probes are never limited nor counted', async (t) => {
  const api = await service(t, { max: 2, windowMs: 60_000 });
  for (let i = 0; i < 3; i++) await api.get('/services/123', writer);
  t.equal((await api.get('/services/123', writer)).status, 429);
  t.equal((await api.get('/services/123', reader)).status, 200, 'another key is not limited');
  for (let i = 0; i < 10; i++) {
    for (const probe of ['/healthz', '/readyz']) {
      const res = await api.get(probe);
      t.equal(res.status, 200);
      t.notOk(res.headers['ratelimit-limit']);
    }
  }
  t.equal((await api.get('/services/123', reader)).headers['ratelimit-remaining'], '0', 'probes did not count');
});

t.test('requests without a known key are counted per address: bad tokens cannot mint budgets', async (t) => {
  const api = await service(t, { max: 2, windowMs: 60_000 });
  const from = (remoteAddress: string, token: string) =>
    api.request({ method: 'GET', url: '/services/123', remoteAddress, headers: bearer(token) });
  t.equal((await from('10.0.0.1', 'guess-1-0123456789abcdef')).status, 401);
  t.equal((await from('10.0.0.1', 'guess-2-0123456789abcdef')).status, 401);
  t.equal((await from('10.0.0.1', 'guess-3-0123456789abcdef')).status, 429);
  t.equal((await from('10.0.0.2', 'guess-4-0123456789abcdef')).status, 401, 'another address has its own');
  t.equal((await from('10.0.0.1', keys[0]!.token)).status, 200, 'a known key is counted by key, not address');
});

t.test('with authentication off, every request is counted per address', async (t) => {
  const api = await service(t, { max: 1, windowMs: 60_000 }, []);
  const from = (remoteAddress: string) => api.request({ method: 'GET', url: '/services/123', remoteAddress });
  t.equal((await from('10.0.0.1')).status, 200);
  t.equal((await from('10.0.0.1')).status, 429);
  t.equal((await from('10.0.0.2')).status, 200);
});

t.test('off by default: no counting, no headers', async (t) => {
  const app = await buildApp({ database, apiKeys: keys });
  t.teardown(() => app.close());
  const api = await apiFor(app, database);
  for (let i = 0; i < 20; i++) t.equal((await api.get('/services/123', writer)).status, 200);
  t.notOk((await api.get('/services/123', writer)).headers['ratelimit-limit']);
});

t.test('with Redis, replicas share one budget per key', async (t) => {
  const settings = { max: 3, windowMs: 60_000, redisUrl: REDIS, redisPrefix: redisPrefix(t) };
  const [a, b] = [await service(t, settings), await service(t, settings)];
  t.equal((await a.get('/services/123', writer)).headers['ratelimit-remaining'], '2');
  t.equal((await b.get('/services/123', writer)).headers['ratelimit-remaining'], '1');
  t.equal((await a.get('/services/123', writer)).headers['ratelimit-remaining'], '0');
  t.equal((await b.get('/services/123', writer)).status, 429);
  t.equal((await a.get('/services/123', writer)).status, 429);
  t.equal((await b.get('/services/123', reader)).status, 200);
  const redis = new Redis(REDIS);
  t.teardown(() => redis.quit());
  const stored = await redis.keys(`${settings.redisPrefix}*`);
  t.equal(stored.length, 2, 'one counter per key');
  t.notOk(
    stored.some((k) => k.includes('0123456789')),
    'no token in a Redis key',
  );
});

t.test(
  'when Redis is down or stops answering, requests are let through, and counting resumes when it is back',
  async (t) => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
    t.teardown(() => proxy.close());
    const api = await service(t, {
      max: 2,
      windowMs: 60_000,
      redisUrl: `redis://127.0.0.1:${proxy.port}`,
      redisPrefix: redisPrefix(t),
      redisTimeoutMs: 200,
    });
    t.equal((await api.get('/services/123', writer)).headers['ratelimit-remaining'], '1');

    proxy.blackhole(); // connected, but no answer ever comes
    for (let i = 0; i < 4; i++) {
      const started = Date.now();
      const res = await api.get('/services/123', writer);
      t.equal(res.status, 200, 'answered while Redis stalls');
      t.notOk(res.headers['ratelimit-limit'], 'not counted');
      t.ok(Date.now() - started < 2000, 'within the Redis timeout, not the client’s patience');
    }

    proxy.cut(); // connections reset, new ones refused
    for (let i = 0; i < 4; i++)
      t.equal((await api.get('/services/123', writer)).status, 200, 'answered while Redis is down');

    proxy.restore();
    // ioredis reconnects on its own schedule: wait (bounded) until counting resumes.
    let counted: string | undefined;
    for (let tries = 0; tries < 100 && counted === undefined; tries++) {
      counted = (await api.get('/services/123', writer)).headers['ratelimit-remaining'] as string | undefined;
      if (counted === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    t.equal(counted, '0', 'the counter from before the outage is still there');
    t.equal((await api.get('/services/123', writer)).status, 429);
  },
);

t.test('RATE_LIMIT_*: on by default only under NODE_ENV=production; every value checked', async (t) => {
  const production = {
    NODE_ENV: 'production',
    API_KEYS: `${keys[0]!.token}:write`,
    DATABASE_URL: 'postgres://orders@db.example/orders',
  };
  t.equal(loadConfig({}).limits.rateLimit.enabled, false);
  t.equal(loadConfig(production).limits.rateLimit.enabled, true);
  t.equal(loadConfig({ ...production, RATE_LIMIT_ENABLED: 'false' }).limits.rateLimit.enabled, false);
  t.match(loadConfig({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_MAX: '100', RATE_LIMIT_WINDOW_MS: '1000' }).limits, {
    rateLimit: { enabled: true, max: 100, windowMs: 1000, redisUrl: undefined },
  });
  t.equal(loadConfig({ REDIS_URL: REDIS }).limits.rateLimit.redisUrl, REDIS);
  for (const [name, value] of [
    ['RATE_LIMIT_ENABLED', 'yes'],
    ['RATE_LIMIT_MAX', '0'],
    ['RATE_LIMIT_WINDOW_MS', '10'],
    ['REDIS_URL', 'localhost:6379'],
  ]) {
    t.throws(() => loadConfig({ [name as string]: value }), { message: new RegExp(name as string) });
  }
});
