// Builds the HTTP application from the contract: routes and validation come
// from openapi/openapi.yaml through fastify-openapi-glue, handlers are plain
// functions named after operationIds, and everything around them is the
// HTTP lifecycle in src/http/. It never listens (src/server.ts does).
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import openapiGlue from 'fastify-openapi-glue';
import { createBearerAuth } from './auth/api-keys.js';
import { createNatsPublisher } from './broker/nats-publisher.js';
import type { BrokerSettings } from './broker/settings.js';
import type { ApiKey, Config } from './config.js';
import { loadSpec, readSpecText } from './contract/spec.js';
import type { DatabaseHandle } from './db/client.js';
import { registerEvents } from './events/runtime.js';
import { DEFAULT_EVENTS, type EventsConfig } from './events/settings.js';
import { createHandlers } from './handlers.js';
import { DEFAULT_HTTP, httpServerOptions, registerHttpLifecycle } from './http/index.js';
import { createIdempotencyStore } from './idempotency/store.js';
import { registerCompression } from './limits/compression.js';
import { registerRateLimit } from './limits/rate-limit.js';
import { type LimitsOptions, resolveLimits } from './limits/settings.js';
import { boundSlowReaders } from './limits/slow-readers.js';
import { measureEventLag } from './metrics/event-lag.js';
import { DEFAULT_METRICS, type MetricsSetting, registerMetrics } from './metrics/index.js';
import type { Tracing } from './tracing/provider.js';
import { purgeWebhookHistory } from './webhooks/retention.js';
import { DEFAULT_WEBHOOKS, type WebhookSettings } from './webhooks/settings.js';
import { createWebhookWorker } from './webhooks/worker.js';

export interface AppOptions {
  database: DatabaseHandle;
  /** None: authentication is off. */
  apiKeys?: ApiKey[];
  http?: Partial<Config['http']>;
  logger?: FastifyServerOptions['logger'];
  docsPath?: string;
  /** Rate limits, compression, slow readers: src/limits/settings.ts (defaults there). */
  limits?: LimitsOptions;
  /** Where GET /metrics is served (METRICS); default: on the service's port. */
  metrics?: MetricsSetting;
  /** Traces of requests and their statements; none: nothing of OpenTelemetry is registered. */
  tracing?: Tracing;
  /**
   * Webhook delivery settings. With them, this process also delivers
   * webhooks in the background (src/webhooks/worker.ts), from onReady to
   * onClose; without, the endpoints can be managed but nothing is sent
   * (tests that do not deliver). src/server.ts always passes them.
   */
  webhooks?: WebhookSettings;
  /** With a natsUrl, this process also publishes every event to NATS JetStream (src/broker/). */
  broker?: BrokerSettings;
  /** Event retention and the stream's bounds: src/events/settings.ts (defaults there). */
  events?: Partial<EventsConfig>;
  /**
   * Aborted when a graceful shutdown begins (src/server.ts): the event streams
   * end at once and new ones are refused (503), so that the drain, which waits
   * for every connection to end, is not held until its deadline; their clients
   * resume with Last-Event-ID on another process.
   */
  shutdown?: AbortSignal;
}

// Expired idempotency keys and webhook history are deleted this often (and once at start).
const PURGE_INTERVAL_MS = 15 * 60_000;

export async function buildApp({
  database,
  apiKeys = [],
  http = {},
  logger = false,
  docsPath,
  limits: limitOptions,
  metrics: metricsSetting = DEFAULT_METRICS,
  tracing,
  webhooks,
  broker,
  events: eventOptions,
  shutdown,
}: AppOptions): Promise<FastifyInstance> {
  const limits = { ...DEFAULT_HTTP, ...http };
  const app = Fastify({
    // Tokens never reach the logs, whatever serializer a log line uses.
    logger: logger && { ...(logger === true ? {} : logger), redact: ['req.headers.authorization'] },
    ...httpServerOptions(limits),
  });
  // Before any other hook or route, so that every request is traced and measured.
  if (tracing) await (await import('./tracing/fastify.js')).traceRequests(app, tracing);
  const { served, metrics } = registerMetrics(app, metricsSetting, database.activity);
  if (apiKeys.length === 0) {
    app.log.warn('API_KEYS is not set: authentication is off, every request is allowed');
  }

  const { rateLimit, compressionThresholdBytes, sendTimeoutMs } = resolveLimits(limitOptions);
  await registerRateLimit(app, rateLimit, apiKeys);
  await registerCompression(app, compressionThresholdBytes);
  boundSlowReaders(app, sendTimeoutMs);

  const specText = readSpecText();
  const spec = loadSpec(specText);
  await app.register(swagger, { mode: 'static', specification: { document: spec as never } });

  const idempotency = createIdempotencyStore(database.db);
  const eventsConfig = { ...DEFAULT_EVENTS, ...eventOptions };
  const purge = () =>
    Promise.all([idempotency.purgeExpired(), purgeWebhookHistory(database.db, eventsConfig.retentionDays)]).catch(
      (error: unknown) => app.log.warn({ err: error }, 'purging idempotency keys or webhook history failed'),
    );
  const purgeTimer = setInterval(purge, PURGE_INTERVAL_MS).unref();
  app.addHook('onReady', async () => void purge());
  app.addHook('onClose', async () => clearInterval(purgeTimer));

  const events = registerEvents(app, database, eventsConfig, shutdown);
  // Followers of the feed that push it out: woken on every commit (and by their own poll).
  const worker = webhooks && createWebhookWorker(database.db, webhooks, app.log);
  const natsUrl = broker?.natsUrl;
  const publisher = natsUrl ? createNatsPublisher(database.db, { ...broker, natsUrl }, app.log) : undefined;
  measureEventLag(metrics, database.db, { nats: publisher !== undefined });
  for (const background of [worker, publisher]) {
    if (!background) continue;
    app.addHook('onReady', async () => {
      events.wake.subscribe(background.wake);
      background.start();
    });
    app.addHook('onClose', () => background.stop());
  }
  const handlers = createHandlers(
    database,
    idempotency,
    // The YAML goes out as written: re-serialised, it would lose its comments
    // and the quotes that keep example date-times strings for YAML 1.1 readers.
    { json: () => app.swagger() as unknown as Record<string, unknown>, yaml: () => specText },
    events.handlers,
    docsPath,
    served,
    { settings: webhooks ?? DEFAULT_WEBHOOKS, wake: () => worker?.wake() },
  );
  await registerHttpLifecycle(app, {
    spec,
    handlerTimeoutMs: limits.handlerTimeoutMs,
    operations: async (scope) => {
      await scope.register(openapiGlue, {
        specification: spec,
        serviceHandlers: handlers,
        securityHandlers: apiKeys.length > 0 ? { bearerAuth: createBearerAuth(apiKeys) } : undefined,
      });
    },
  });
  return app;
}
