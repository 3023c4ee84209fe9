// Metrics for Prometheus (METRICS, settings.ts): HTTP requests
// (http-requests.ts), what an operator asks first (outcomes.ts), the
// database (database.ts), the process (prom-client's defaults), served
// by endpoint.ts. Off, nothing is registered and nothing is measured.
import type { FastifyInstance } from 'fastify';
import type { DatabaseActivity } from '../db/observed-driver.js';
import { measureDatabase } from './database.js';
import { serveOnOwnPort } from './endpoint.js';
import { measureHttpRequests } from './http-requests.js';
import { countOutcomes } from './outcomes.js';
import { createMetrics, type Metrics } from './registry.js';
import type { MetricsSetting } from './settings.js';

export { metricsHandler } from './endpoint.js';
export type { Metrics } from './registry.js';
export { DEFAULT_METRICS, type MetricsSetting, parseMetricsSetting } from './settings.js';

export interface MetricsRegistration {
  /** Where to add a gauge or counter (with METRICS=off, a registry nobody reads). */
  metrics: Metrics;
  /** What GET /metrics on the service's own port serves: undefined when off or on a port of its own. */
  served?: Metrics;
}

/** Registers the hooks that measure; call before any route or other hook, so every request is seen. */
export function registerMetrics(
  app: FastifyInstance,
  setting: MetricsSetting,
  activity: DatabaseActivity,
): MetricsRegistration {
  if (setting.mode === 'off') return { metrics: createMetrics({ processMetrics: false }) };
  const metrics = createMetrics();
  measureHttpRequests(app, metrics);
  countOutcomes(app, metrics);
  measureDatabase(metrics, activity);
  if (setting.mode === 'port') {
    serveOnOwnPort(app, metrics, setting.port, setting.host);
    return { metrics };
  }
  return { metrics, served: metrics };
}
