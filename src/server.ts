// Starts the service: configuration, database (migrated), app, listen; and
// stops it gracefully on SIGTERM or SIGINT: stop accepting connections,
// finish the requests in flight (answering any that arrive on connections
// already open, with Connection: close), close the database pool, exit 0.
// A shutdown that overruns SHUTDOWN_TIMEOUT_MS exits 1, so an orchestrator's
// grace period (10 s here, 30 s in Kubernetes) never has to kill it.
import { buildApp } from './app.js';
import { type Config, loadConfig } from './config.js';
import { type DatabaseHandle, openDatabase } from './db/client.js';
import { assertCanListen } from './port-check.js';

/** Configuration, database and app, or one line saying why not (no stack trace for a newcomer to decode). */
async function start() {
  try {
    const config = loadConfig();
    // Before the database: a port in use must not cost a lock and a migration first.
    await assertCanListen(config.port, config.host);
    const database = await openDatabase(config.database, { sampleData: config.sampleData });
    const app = await buildApp({
      database,
      apiKeys: config.apiKeys,
      http: config.http,
      limits: config.limits,
      webhooks: config.webhooks,
      broker: config.broker,
      events: config.events,
      logger: { level: config.logLevel },
    });
    return { config, database, app };
  } catch (error) {
    console.error(`order service cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

const { config, database, app } = await start();

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  setTimeout(() => {
    app.log.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown overran its deadline; exiting');
    process.exit(1);
  }, config.shutdownTimeoutMs).unref();
  // Node closes the connections that are idle when the server closes, but
  // not those that become idle later (a request in flight at the signal,
  // whose client keeps the connection alive): without this, close waits
  // for their keep-alive timeout (72 s).
  const reaper = setInterval(() => app.server.closeIdleConnections(), 100);
  await app.close();
  clearInterval(reaper);
  await database.close();
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
