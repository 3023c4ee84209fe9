// The event feed's and stream's settings, with their defaults; read from the
// environment in src/config.ts (docs/operations.md lists them).
export interface EventsConfig {
  /** Events older than this are purged; an older cursor is 410 (EVENT_RETENTION_DAYS). */
  retentionDays: number;
  /** Open streams per process (EVENT_STREAMS_MAX); one more is 503. */
  streamsMax: number;
  /** Open streams per API key and process (EVENT_STREAMS_PER_KEY_MAX); one more is 429. */
  streamsPerKeyMax: number;
  /** A comment line on every stream this often, so proxies keep it (EVENT_HEARTBEAT_MS, at most 15 s). */
  heartbeatMs: number;
  /** A subscriber with more than this unsent is disconnected (EVENT_STREAM_BUFFER_BYTES). */
  streamBufferBytes: number;
  /** How long a catching-up subscriber may take to accept the next page (EVENT_STREAM_SEND_TIMEOUT_MS). */
  streamSendTimeoutMs: number;
  /** Wake-ups without a notification, for events held back behind a transaction (EVENT_POLL_MS). */
  pollMs: number;
  /** How often the purge runs (EVENT_PURGE_INTERVAL_MS). */
  purgeIntervalMs: number;
}

export const DEFAULT_EVENTS: EventsConfig = {
  retentionDays: 30,
  streamsMax: 1000,
  streamsPerKeyMax: 100,
  heartbeatMs: 10_000,
  streamBufferBytes: 1 << 20,
  streamSendTimeoutMs: 10_000,
  pollMs: 1000,
  purgeIntervalMs: 15 * 60_000,
};
