// The gauges of how far events trail their commits: held back in the feed,
// waiting for the webhook dispatcher, for a delivery, or for NATS. Each is
// read at a scrape with one indexed statement (src/events/lag.ts).
import type { Database } from '../db/client.js';
import { feedHeldBackSeconds, followerLagSeconds, pendingDeliverySeconds } from '../events/lag.js';
import type { Metrics } from './registry.js';

export function measureEventLag(metrics: Metrics, db: Database, { nats }: { nats: boolean }): void {
  metrics.gauge(
    'order_service_event_feed_held_back_seconds',
    'Age of the oldest committed event the feed cannot hand out yet (behind a transaction still running); 0: none.',
    () => feedHeldBackSeconds(db),
  );
  metrics.gauge(
    'order_service_webhook_dispatch_lag_seconds',
    'Age of the oldest event the webhook dispatcher has not yet queued for the endpoints; 0: none.',
    () => followerLagSeconds(db, 'webhooks'),
  );
  metrics.gauge(
    'order_service_webhook_pending_delivery_seconds',
    'Age of the oldest event still waiting for delivery to an enabled webhook endpoint (retries included); 0: none.',
    () => pendingDeliverySeconds(db),
  );
  if (nats) {
    metrics.gauge(
      'order_service_nats_publish_lag_seconds',
      'Age of the oldest event not yet acknowledged by NATS JetStream; 0: none.',
      () => followerLagSeconds(db, 'nats'),
    );
  }
}
