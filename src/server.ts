// Starts the service: configuration, database (migrated), app, listen; and
// stops it gracefully on SIGTERM or SIGINT (stop accepting, finish in-flight
// requests, close the database).
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { openDatabase } from './db/client.js';

const config = loadConfig();
const database = await openDatabase(config.database);
const app = await buildApp({ database, apiKeys: config.apiKeys, http: config.http, logger: { level: config.logLevel } });

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  await app.close();
  await database.close();
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));

await app.listen({ port: config.port, host: config.host });
app.log.info({ database: database.kind }, 'order service ready');
