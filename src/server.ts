// Starts the service: configuration, database (migrated), app, listen; and
// stops it gracefully on SIGTERM or SIGINT: stop accepting connections,
// for SHUTDOWN_GRACE_MS keep answering requests that arrive on connections
// already open (with Connection: close), then close the idle ones, finish
// the requests in flight, close the database pools, exit 0.
// A shutdown that overruns SHUTDOWN_TIMEOUT_MS exits 1, so an orchestrator's
// grace period (10 s here, 30 s in Kubernetes) never has to kill it.
import { buildApp } from './app.js';
import { type Config, loadConfig } from './config.js';
import { type DatabaseHandle, openDatabase } from './db/client.js';
import { drainable } from './http/socket/drain.js';
import { assertCanListen } from './port-check.js';
import type { Tracing } from './tracing/provider.js';

// Replica failures are logged through the app's logger, which exists only once the database is open.
let log: { warn(details: object, message: string): void } | undefined;
// At most this long for the last spans at shutdown (the OTLP exporter's own timeout is 10 s).
const TRACE_FLUSH_MS = 2000;
// Aborted when a graceful shutdown begins: long-lived event streams end then (src/app.ts).
const shutdown = new AbortController();

/** Configuration, database and app, or one line saying why not (no stack trace for a newcomer to decode). */
async function start() {
  try {
    const config = loadConfig();
    // Before the database: a port in use must not cost a lock and a migration first.
    await assertCanListen(config.port, config.host);
    // Before the database and the app: statements and requests find the tracer provider registered.
    const tracing: Tracing | undefined = config.tracing
      ? (await import('./tracing/provider.js')).startTracing()
      : undefined;
    const database = await openDatabase(config.database, {
      sampleData: config.sampleData,
      onReplicaDown: (url, err) => log?.warn({ replica: url, err }, 'read replica failed: its reads go to the primary'),
    });
    const app = await buildApp({
      database,
      apiKeys: config.apiKeys,
      http: config.http,
      limits: config.limits,
      metrics: config.metrics,
      tracing,
      webhooks: config.webhooks,
      broker: config.broker,
      events: config.events,
      shutdown: shutdown.signal,
      logger: { level: config.logLevel },
    });
    log = app.log;
    return { config, database, app, tracing };
  } catch (error) {
    console.error(`order service cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

const { config, database, app, tracing } = await start();
const drain = drainable(app);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  setTimeout(() => {
    app.log.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown overran its deadline; exiting');
    process.exit(1);
  }, config.shutdownTimeoutMs).unref();
  shutdown.abort();
  await drain.drain(config.shutdownGraceMs);
  await app.close();
  await database.close();
  // The spans still buffered go out before the process does, unless the
  // collector is too slow to take them within the shutdown deadline.
  const flushed = tracing?.shutdown().catch((error: unknown) => app.log.warn({ err: error }, 'flushing traces failed'));
  await Promise.race([flushed, new Promise((resolve) => setTimeout(resolve, TRACE_FLUSH_MS).unref())]);
  app.log.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));

await app.listen({ port: config.port, host: config.host }).catch((error: Error) => {
  console.error(`order service cannot listen on ${config.host}:${config.port}: ${error.message}`);
  process.exit(1);
});
app.log.info(readyLine(config, database), 'order service ready');

/** What the ready line says about the store; on PGlite, how far an acknowledged order is durable. */
function readyLine(config: Readonly<Config>, database: DatabaseHandle): Record<string, unknown> {
  if (config.database.kind !== 'pglite') return { database: database.kind };
  return {
    database: database.kind,
    dataDir: config.database.dataDir,
    durability:
      'embedded PGlite runs with fsync off: acknowledged orders survive a killed process, not an OS crash or power loss; use DATABASE_URL (PostgreSQL) in production',
  };
}
