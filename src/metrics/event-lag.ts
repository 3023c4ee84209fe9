// The gauges of how far events trail their commits: held back in the feed,
// waiting for the webhook dispatcher, for a delivery, or for NATS. Each is
// read at a scrape with one indexed statement (src/events/lag.ts). A scrape
// must work while the database does not (that is when it is read most): a
// lag that cannot be read within READ_MS is NaN, "unknown" to Prometheus.
import type { Database } from '../db/client.js';
import { feedHeldBackSeconds, followerLagSeconds, pendingDeliverySeconds } from '../events/lag.js';
import type { Metrics } from './registry.js';

const READ_MS = 1000;

function unknownUnlessRead(read: () => Promise<number>): () => Promise<number> {
  return () => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<number>((resolve) => (timer = setTimeout(resolve, READ_MS, Number.NaN)));
    return Promise.race([read().catch(() => Number.NaN), late]).finally(() => clearTimeout(timer));
  };
}

export function measureEventLag(metrics: Metrics, db: Database, { nats }: { nats: boolean }): void {
  metrics.gauge(
    'order_service_event_feed_held_back_seconds',
    'Age of the oldest committed event the feed cannot hand out yet (behind a transaction still running); 0: none.',
    unknownUnlessRead(() => feedHeldBackSeconds(db)),
  );
  metrics.gauge(
    'order_service_webhook_dispatch_lag_seconds',
    'Age of the oldest event the webhook dispatcher has not yet queued for the endpoints; 0: none.',
    unknownUnlessRead(() => followerLagSeconds(db, 'webhooks')),
  );
  metrics.gauge(
    'order_service_webhook_pending_delivery_seconds',
    'Age of the oldest event still waiting for delivery to an enabled webhook endpoint (retries included); 0: none.',
    unknownUnlessRead(() => pendingDeliverySeconds(db)),
  );
  if (nats) {
    metrics.gauge(
      'order_service_nats_publish_lag_seconds',
      'Age of the oldest event not yet acknowledged by NATS JetStream; 0: none.',
      unknownUnlessRead(() => followerLagSeconds(db, 'nats')),
    );
  }
}
