// The service's configuration: read from the environment once, checked, typed
// and frozen. A bad value stops the service at start with a message naming it.

import { type BrokerSettings, brokerSettings } from './broker/settings.js';
import { type Env, integer } from './env-values.js';
import { DEFAULT_EVENTS, type EventsConfig } from './events/settings.js';
import { DEFAULT_LIMITS, type LimitsConfig } from './limits/settings.js';
import { type MetricsSetting, parseMetricsSetting } from './metrics/settings.js';
import { tracingRequested } from './tracing/settings.js';
import { type WebhookSettings, webhookSettings } from './webhooks/settings.js';

export type DatabaseConfig =
  | { kind: 'pglite'; dataDir: string }
  | {
      kind: 'postgres';
      url: string;
      poolMax: number;
      connectTimeoutSeconds: number;
      statementTimeoutMs: number;
      /** Streaming replicas for reads that may lag (DATABASE_READ_URL); empty: all on `url`. */
      readUrls?: string[];
      /** A replica that failed is left alone this long, its reads sent to the primary (DB_READ_RETRY_MS). */
      readRetryMs?: number;
    };

export type Scope = 'read' | 'write';

export interface ApiKey {
  token: string;
  scope: Scope;
}

export interface Config {
  port: number;
  host: string;
  logLevel: string;
  database: DatabaseConfig;
  /** Seed the sample orders 223-225 at start (SAMPLE_DATA; off by default in production). */
  sampleData: boolean;
  /** Empty: authentication is off (refused when NODE_ENV=production). */
  apiKeys: ApiKey[];
  http: {
    /** Whole-request deadline (headers and body), against slow clients. */
    requestTimeoutMs: number;
    /** Above a typical load balancer's idle timeout (60 s), so the LB closes first. */
    keepAliveTimeoutMs: number;
    /** Every request is answered within this (503 if the database is too slow or away). */
    handlerTimeoutMs: number;
  };
  /** A graceful shutdown that takes longer than this is cut short (exit 1). */
  shutdownTimeoutMs: number;
  /** How long a shutdown keeps answering requests on connections already open (src/http/socket/drain.ts). */
  shutdownGraceMs: number;
  /** Rate limits, compression and slow readers (src/limits/settings.ts). */
  limits: LimitsConfig;
  /** GET /metrics: on the service's port, off, or on a port of its own (METRICS). */
  metrics: MetricsSetting;
  /** Traces exported over OTLP: on when OTEL_EXPORTER_OTLP_ENDPOINT is set. */
  tracing: boolean;
  /** Webhook delivery (src/webhooks/settings.ts). */
  webhooks: WebhookSettings;
  /** Publishing events to NATS JetStream (src/broker/settings.ts). */
  broker: BrokerSettings;
  /** The event feed's retention and the stream's bounds (src/events/settings.ts). */
  events: EventsConfig;
}

/** Request bodies larger than this are answered 413. */
export const BODY_LIMIT_BYTES = 64 * 1024;

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw !== 'true' && raw !== 'false') throw new Error(`${name} must be true or false, got "${raw}"`);
  return raw === 'true';
}

// Limits (issue 9 §8); defaults and meanings in src/limits/settings.ts.
function limitsConfig(env: Env): LimitsConfig {
  const d = DEFAULT_LIMITS;
  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) throw new Error('REDIS_URL must start with redis:// or rediss://');
  return {
    rateLimit: {
      enabled: boolean(env, 'RATE_LIMIT_ENABLED', env.NODE_ENV === 'production'),
      max: integer(env, 'RATE_LIMIT_MAX', d.rateLimit.max, 1, 100_000_000),
      windowMs: integer(env, 'RATE_LIMIT_WINDOW_MS', d.rateLimit.windowMs, 1000, 86_400_000),
      redisUrl,
      redisPrefix: env.RATE_LIMIT_REDIS_PREFIX || d.rateLimit.redisPrefix,
      redisTimeoutMs: integer(env, 'RATE_LIMIT_REDIS_TIMEOUT_MS', d.rateLimit.redisTimeoutMs, 10, 60_000),
    },
    compressionThresholdBytes: integer(env, 'COMPRESSION_THRESHOLD_BYTES', d.compressionThresholdBytes, 0, 1 << 30),
    sendTimeoutMs: integer(env, 'SEND_TIMEOUT_MS', d.sendTimeoutMs, 100, 600_000),
  };
}

const POSTGRES_URL = /^postgres(ql)?:\/\//;

/** DATABASE_READ_URL: one or more replica URLs, comma-separated. */
function readUrls(env: Env): string[] {
  const urls = (env.DATABASE_READ_URL ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  if (urls.length > 0 && !env.DATABASE_URL) {
    throw new Error('DATABASE_READ_URL needs DATABASE_URL (PostgreSQL): the embedded PGlite store has no replicas');
  }
  urls.forEach((u, i) => {
    if (!POSTGRES_URL.test(u))
      throw new Error(`DATABASE_READ_URL entry ${i + 1} must start with postgres:// or postgresql://`);
  });
  return urls;
}

function eventsConfig(env: Env): EventsConfig {
  const d = DEFAULT_EVENTS;
  return {
    retentionDays: integer(env, 'EVENT_RETENTION_DAYS', d.retentionDays, 1, 3650),
    streamsMax: integer(env, 'EVENT_STREAMS_MAX', d.streamsMax, 1, 100_000),
    streamsPerKeyMax: integer(env, 'EVENT_STREAMS_PER_KEY_MAX', d.streamsPerKeyMax, 1, 100_000),
    heartbeatMs: integer(env, 'EVENT_HEARTBEAT_MS', d.heartbeatMs, 100, 15_000),
    streamBufferBytes: integer(env, 'EVENT_STREAM_BUFFER_BYTES', d.streamBufferBytes, 1024, 1 << 30),
    streamSendTimeoutMs: integer(env, 'EVENT_STREAM_SEND_TIMEOUT_MS', d.streamSendTimeoutMs, 100, 600_000),
    pollMs: integer(env, 'EVENT_POLL_MS', d.pollMs, 50, 60_000),
    purgeIntervalMs: integer(env, 'EVENT_PURGE_INTERVAL_MS', d.purgeIntervalMs, 1000, 86_400_000),
  };
}

function databaseConfig(env: Env): DatabaseConfig {
  const allowEmbedded = boolean(env, 'ALLOW_EMBEDDED_DATABASE', false);
  const url = env.DATABASE_URL;
  const replicas = readUrls(env);
  if (url) {
    if (!POSTGRES_URL.test(url)) {
      throw new Error('DATABASE_URL must start with postgres:// or postgresql://');
    }
    return {
      kind: 'postgres',
      url,
      poolMax: integer(env, 'DB_POOL_MAX', 10, 1, 1000),
      connectTimeoutSeconds: integer(env, 'DB_CONNECT_TIMEOUT_S', 5, 1, 300),
      statementTimeoutMs: integer(env, 'DB_STATEMENT_TIMEOUT_MS', 5000, 100, 600_000),
      readUrls: replicas,
      readRetryMs: integer(env, 'DB_READ_RETRY_MS', 5000, 100, 600_000),
    };
  }
  // PGlite runs PostgreSQL with fsync off and its Node filesystem's sync is a
  // no-op (electric-sql/pglite#1107): an acknowledged order survives a killed
  // process, not an OS crash or power loss. Production says so explicitly.
  if (env.NODE_ENV === 'production' && !allowEmbedded) {
    throw new Error(
      'NODE_ENV=production needs DATABASE_URL (PostgreSQL): the embedded PGlite store does not survive an OS crash or power loss; set ALLOW_EMBEDDED_DATABASE=true if that is intended',
    );
  }
  return { kind: 'pglite', dataDir: env.PGLITE_DIR || './data/pglite' };
}

// API_KEYS="token1:write,token2:read". Tokens are opaque; at least 16
// characters so that a typo'd placeholder cannot become a working key.
function apiKeys(env: Env): ApiKey[] {
  const raw = env.API_KEYS?.trim();
  if (!raw) {
    if (env.NODE_ENV === 'production') {
      throw new Error('API_KEYS must be set when NODE_ENV=production (comma-separated token:scope entries)');
    }
    return [];
  }
  return raw.split(',').map((entry, i) => {
    const match = /^([\x21-\x7E]{16,}):(read|write)$/.exec(entry.trim());
    if (!match || match[1]!.includes(':')) {
      throw new Error(
        `API_KEYS entry ${i + 1} must be token:scope with a token of 16+ printable characters (no ":" or ",") and scope read or write`,
      );
    }
    return { token: match[1]!, scope: match[2] as Scope };
  });
}

export function loadConfig(env: Env = process.env): Readonly<Config> {
  const host = env.HOST || '127.0.0.1';
  return Object.freeze({
    port: integer(env, 'PORT', 3000, 0, 65535),
    host,
    logLevel: env.LOG_LEVEL || 'info',
    database: databaseConfig(env),
    sampleData: boolean(env, 'SAMPLE_DATA', env.NODE_ENV !== 'production'),
    apiKeys: apiKeys(env),
    http: {
      requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 10_000, 100, 600_000),
      keepAliveTimeoutMs: integer(env, 'KEEP_ALIVE_TIMEOUT_MS', 72_000, 1000, 600_000),
      handlerTimeoutMs: integer(env, 'HANDLER_TIMEOUT_MS', 8_000, 100, 600_000),
    },
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 9_000, 100, 600_000),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 1_000, 0, 600_000),
    limits: limitsConfig(env),
    metrics: parseMetricsSetting(env.METRICS, host),
    tracing: tracingRequested(env),
    webhooks: webhookSettings(env),
    broker: brokerSettings(env),
    events: eventsConfig(env),
  });
}
