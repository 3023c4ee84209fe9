// The database, as observed where every statement passes (src/db/observed-driver.ts).
import type { DatabaseActivity } from '../db/observed-driver.js';
import type { Metrics } from './registry.js';

export function measureDatabase(metrics: Metrics, activity: DatabaseActivity): void {
  metrics.gauge(
    'db_client_connection_max',
    'Connections the pool may open (DB_POOL_MAX; 1 for PGlite).',
    () => activity.connectionsMax,
  );
  metrics.gauge(
    'order_service_db_transactions_active',
    'Transactions holding a pooled connection (each holds one until it commits or rolls back).',
    () => activity.transactionsActive,
  );
  metrics.gauge(
    'order_service_db_transactions_waiting',
    'Transactions waiting for a connection of their own (and their BEGIN).',
    () => activity.transactionsWaiting,
  );
  metrics.gauge(
    'order_service_db_statements_in_flight',
    'Statements sent to the database and not yet answered, in transactions or not (queued in the driver included).',
    () => activity.statementsInFlight,
  );
}
