// Starts the service: configuration, database (migrated), app, listen; and
// stops it gracefully on SIGTERM or SIGINT: stop accepting connections,
// finish the requests in flight (answering any that arrive on connections
// already open, with Connection: close), close the database pool, exit 0.
// A shutdown that overruns SHUTDOWN_TIMEOUT_MS exits 1, so an orchestrator's
// grace period (10 s here, 30 s in Kubernetes) never has to kill it.
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { openDatabase } from './db/client.js';

/** Configuration, database and app, or one line saying why not (no stack trace for a newcomer to decode). */
async function start() {
  try {
    const config = loadConfig();
    const database = await openDatabase(config.database);
    const app = await buildApp({
      database,
      apiKeys: config.apiKeys,
      http: config.http,
      limits: config.limits,
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
app.log.info({ database: database.kind }, 'order service ready');
