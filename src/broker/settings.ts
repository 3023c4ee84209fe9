// The operator's settings for publishing events to NATS JetStream, read by src/config.ts.
import type { Env } from '../env-values.js';

export interface BrokerSettings {
  /** nats://host:port; unset: nothing is published (EVENTS_NATS_URL). */
  natsUrl: string | undefined;
  /** The JetStream stream, created when missing (EVENTS_NATS_STREAM). */
  stream: string;
  /** Events go to `<prefix>.<type>`, e.g. orders.events.order.created (EVENTS_NATS_SUBJECT_PREFIX). */
  subjectPrefix: string;
  /** How often to look for new events without a wake-up, and to retry after an outage. */
  pollIntervalMs: number;
}

export const DEFAULT_BROKER: BrokerSettings = {
  natsUrl: undefined,
  stream: 'ORDER_EVENTS',
  subjectPrefix: 'orders.events',
  pollIntervalMs: 1000,
};

export function brokerSettings(env: Env): BrokerSettings {
  const natsUrl = env.EVENTS_NATS_URL || undefined;
  if (natsUrl && !/^(nats|tls):\/\/[^/]+$/.test(natsUrl)) {
    throw new Error('EVENTS_NATS_URL must be nats://host:port (or tls://host:port)');
  }
  const stream = env.EVENTS_NATS_STREAM || DEFAULT_BROKER.stream;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(stream)) throw new Error('EVENTS_NATS_STREAM must be 1-64 letters, digits, _ or -');
  const subjectPrefix = env.EVENTS_NATS_SUBJECT_PREFIX || DEFAULT_BROKER.subjectPrefix;
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(subjectPrefix)) {
    throw new Error('EVENTS_NATS_SUBJECT_PREFIX must be dot-separated tokens of letters, digits, _ or -');
  }
  return { natsUrl, stream, subjectPrefix, pollIntervalMs: DEFAULT_BROKER.pollIntervalMs };
}
