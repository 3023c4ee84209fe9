// Rate limits, per API key (per client address for requests without a known
// key, and for every request when authentication is off), with
// @fastify/rate-limit's fixed-window counters: in memory per process, or in
// Redis when REDIS_URL is set, so that every replica counts against one
// budget. Counted before authentication, so floods of bad tokens are limited
// too. The probes and /metrics are never limited. A counter store that fails or is slow
// (Redis down) lets the request through: an outage of the limiter must not
// become an outage of the service.
import { createHash, scryptSync } from 'node:crypto';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import type { ApiKey } from '../config.js';
import { problem, sendProblem } from '../http/errors/problem.js';
import type { LimitsConfig } from './settings.js';

type Settings = LimitsConfig['rateLimit'];

const NEVER_LIMITED = new Set(['/healthz', '/readyz', '/metrics']);

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

/**
 * Counter keys name no token: each known key gets a slow, salted hash (as
 * idempotency callers do), the same on every replica. Requests are matched by
 * the token's SHA-256, so the lookup's timing says nothing about tokens.
 */
function keyGeneratorFor(apiKeys: ApiKey[]) {
  const ids = new Map(
    apiKeys.map((k) => [
      sha256(k.token),
      `key:${scryptSync(k.token, 'order-service/rate-limit', 12).toString('base64url')}`,
    ]),
  );
  return (request: FastifyRequest): string => {
    const token = /^Bearer ([\x21-\x7E]+)$/i.exec(request.headers.authorization ?? '')?.[1];
    return (token && ids.get(sha256(token))) || `address:${request.ip}`;
  };
}

function connectRedis(app: FastifyInstance, settings: Settings, url: string): Redis {
  const redis = new Redis(url, {
    // Fail at once while disconnected (rather than queueing the request
    // behind reconnects), and give up on a Redis that stops answering.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: settings.redisTimeoutMs,
    connectTimeout: 1000,
  });
  let up = true;
  redis.on('error', (error: Error) => {
    if (up) app.log.warn({ err: error }, 'rate-limit store (Redis) failed: requests are not being limited');
    up = false;
  });
  redis.on('ready', () => {
    if (!up) app.log.info('rate-limit store (Redis) is back');
    up = true;
  });
  // Commands fail while disconnected, so wait (briefly) for the first
  // connection before serving; a Redis that is down at start is an outage
  // like any other: requests are let through until it is back.
  app.addHook('onReady', async () => {
    if (redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      redis.once('ready', () => resolve(clearTimeout(timer)));
    });
  });
  app.addHook('onClose', async () => redis.disconnect());
  return redis;
}

export async function registerRateLimit(app: FastifyInstance, settings: Settings, apiKeys: ApiKey[]): Promise<void> {
  if (!settings.enabled) return;
  await app.register(fastifyRateLimit, {
    global: false, // applied by the hook below, so that the answer is ours (problem+json, headers)
    max: settings.max,
    timeWindow: settings.windowMs,
    keyGenerator: keyGeneratorFor(apiKeys),
    ...(settings.redisUrl && {
      redis: connectRedis(app, settings, settings.redisUrl),
      nameSpace: settings.redisPrefix,
    }),
  });
  const count = app.createRateLimit();
  let storeFailing = false;

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (NEVER_LIMITED.has(request.routeOptions.url ?? '')) return;
    let result: Awaited<ReturnType<typeof count>>;
    try {
      result = await count(request);
      storeFailing = false;
    } catch (error) {
      if (!storeFailing) request.log.warn({ err: error }, 'rate-limit store failed: letting requests through');
      storeFailing = true;
      return;
    }
    if (result.isAllowed) return;
    // draft-ietf-httpapi-ratelimit-headers (the widely used three-field form).
    reply.header('ratelimit-limit', result.max);
    reply.header('ratelimit-remaining', result.remaining);
    reply.header('ratelimit-reset', result.ttlInSeconds);
    if (!result.isExceeded) return;
    reply.header('retry-after', result.ttlInSeconds);
    const detail = `At most ${result.max} requests per ${settings.windowMs / 1000} s; retry in ${result.ttlInSeconds} s.`;
    return sendProblem(reply, problem('rate-limited', detail));
  });
}
