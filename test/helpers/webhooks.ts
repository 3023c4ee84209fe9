// Webhook settings for tests (loopback allowed, millisecond schedules) and
// small steps the webhook tests share.
import { Webhook } from 'standardwebhooks';
import { DEFAULT_WEBHOOKS, parseSchedule, type WebhookSettings } from '../../src/webhooks/settings.js';
import type { Received } from './webhook-receiver.js';

export function testWebhookSettings(overrides: Partial<WebhookSettings> = {}): WebhookSettings {
  return {
    ...DEFAULT_WEBHOOKS,
    allowedHosts: new Set(['127.0.0.1']),
    timeoutMs: 2000,
    retryScheduleMs: parseSchedule('100ms,200ms,400ms,800ms'),
    pollIntervalMs: 50,
    ...overrides,
  };
}

/** The environment that gives a service process the same settings. */
export const TEST_WEBHOOK_ENV = {
  WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
  WEBHOOK_TIMEOUT_MS: '2000',
  WEBHOOK_RETRY_SCHEDULE: '100ms,200ms,400ms,800ms,1600ms',
  WEBHOOK_POLL_INTERVAL_MS: '50',
};

/** The delivery's event, after standardwebhooks (a verifier we did not write) checked its signature with `secret`. */
export function verified(secret: string, delivery: Received): { id: string; type: string } & Record<string, unknown> {
  return new Webhook(secret).verify(delivery.body, {
    'webhook-id': delivery.id,
    'webhook-timestamp': delivery.timestamp,
    'webhook-signature': delivery.signature,
  }) as { id: string; type: string };
}

export const waitFor = async (condition: () => Promise<boolean> | boolean, timeoutMs = 20_000, what = 'condition') => {
  for (const deadline = Date.now() + timeoutMs; !(await condition()); ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};
