// The service's metrics, in one prom-client registry per app (tests build
// many apps in one process; each counts its own). Anything can add to it:
//
//   metrics.gauge('order_service_event_feed_lag_seconds', 'Age of the oldest undelivered event.', () => feed.lag());
//
// A gauge is read when Prometheus scrapes, so it costs nothing between
// scrapes; `read` may be async (a query), and should be cheap.
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  /** A gauge whose value `read` gives at each scrape. */
  gauge(name: string, help: string, read: () => number | Promise<number>): void;
  /** A counter to increment where the event happens; keep label values few (never ids, paths or keys). */
  counter<L extends string = never>(name: string, help: string, labelNames?: readonly L[]): Counter<L>;
}

export interface MetricsOptions {
  /** prom-client's process and Node.js metrics (CPU, memory, event loop, GC, handles). */
  processMetrics?: boolean;
}

export function createMetrics({ processMetrics = true }: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (processMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    gauge(name, help, read) {
      new Gauge({
        name,
        help,
        registers: [registry],
        async collect() {
          this.set(await read());
        },
      });
    },
    counter(name, help, labelNames = []) {
      return new Counter({ name, help, labelNames, registers: [registry] });
    },
  };
}
