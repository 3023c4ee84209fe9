// The operator's settings for webhook delivery, read by src/config.ts.
import { type Env, integer } from '../env-values.js';

export interface WebhookSettings {
  /** Hosts (names or addresses, as written in URLs) that may be loopback or private: WEBHOOK_ALLOWED_HOSTS. */
  allowedHosts: ReadonlySet<string>;
  /** An attempt without a 2xx within this fails: WEBHOOK_TIMEOUT_MS. */
  timeoutMs: number;
  /** The delays before each retry: WEBHOOK_RETRY_SCHEDULE. */
  retryScheduleMs: readonly number[];
  /** How often each process looks for new events and due retries without a wake-up: WEBHOOK_POLL_INTERVAL_MS. */
  pollIntervalMs: number;
  /** Endpoints one process sends to at once: WEBHOOK_CONCURRENCY. */
  concurrency: number;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

// About 3 days in all (5 s + 30 s + 2 m + 10 m + 30 m + 1 h + 2 h + 4 h + 8 h + 16 h + 24 h + 16 h).
export const DEFAULT_RETRY_SCHEDULE = '5s,30s,2m,10m,30m,1h,2h,4h,8h,16h,24h,16h';

export const DEFAULT_WEBHOOKS: WebhookSettings = {
  allowedHosts: new Set(),
  timeoutMs: 15_000,
  retryScheduleMs: parseSchedule(DEFAULT_RETRY_SCHEDULE),
  pollIntervalMs: 1000,
  concurrency: 8,
};

/** "250ms,1s,30s,5m,2h" as milliseconds; throws naming the entry that is not a duration. */
export function parseSchedule(text: string): number[] {
  return text.split(',').map((entry, i) => {
    const match = /^(\d{1,9})(ms|s|m|h|d)$/.exec(entry.trim());
    if (!match) {
      throw new Error(`WEBHOOK_RETRY_SCHEDULE entry ${i + 1} must be a duration such as 250ms, 30s, 5m, 2h or 1d`);
    }
    return Number(match[1]) * UNITS[match[2]!]!;
  });
}

export function webhookSettings(env: Env): WebhookSettings {
  const hosts = (env.WEBHOOK_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((host) =>
      host
        .trim()
        .toLowerCase()
        .replace(/^\[(.*)\]$/, '$1'),
    )
    .filter(Boolean);
  const d = DEFAULT_WEBHOOKS;
  return {
    allowedHosts: new Set(hosts),
    timeoutMs: integer(env, 'WEBHOOK_TIMEOUT_MS', d.timeoutMs, 100, 300_000),
    retryScheduleMs: parseSchedule(env.WEBHOOK_RETRY_SCHEDULE || DEFAULT_RETRY_SCHEDULE),
    pollIntervalMs: integer(env, 'WEBHOOK_POLL_INTERVAL_MS', d.pollIntervalMs, 10, 600_000),
    concurrency: integer(env, 'WEBHOOK_CONCURRENCY', d.concurrency, 1, 256),
  };
}
