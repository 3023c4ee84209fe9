// The limits' settings and their defaults, as src/config.ts reads them from
// the environment (RATE_LIMIT_*, REDIS_URL, COMPRESSION_THRESHOLD_BYTES,
// SEND_TIMEOUT_MS) and as tests pass them to buildApp.

export interface LimitsConfig {
  rateLimit: {
    /** Off unless set, or NODE_ENV=production (see docs: production sets its own figures). */
    enabled: boolean;
    /** Requests one API key (or one address, for requests without a known key) may make per window. */
    max: number;
    windowMs: number;
    /** Counters shared by every replica through this Redis; in-memory per process when absent. */
    redisUrl?: string;
    /** Prefix of every Redis key, so that services sharing a Redis do not share counters. */
    redisPrefix: string;
    /** A Redis command that takes longer counts as a store failure: the request is let through. */
    redisTimeoutMs: number;
  };
  /** Responses at least this large are compressed when the client accepts br or gzip. */
  compressionThresholdBytes: number;
  /** A response whose socket accepts no bytes for this long is abandoned and the connection closed. */
  sendTimeoutMs: number;
}

export const DEFAULT_LIMITS: LimitsConfig = {
  rateLimit: {
    enabled: false,
    max: 6000,
    windowMs: 60_000,
    redisPrefix: 'order-service:rate-limit:',
    redisTimeoutMs: 200,
  },
  compressionThresholdBytes: 1024,
  sendTimeoutMs: 30_000,
};

export type LimitsOptions = Partial<Omit<LimitsConfig, 'rateLimit'>> & {
  rateLimit?: Partial<LimitsConfig['rateLimit']>;
};

export function resolveLimits(options: LimitsOptions = {}): LimitsConfig {
  return {
    ...DEFAULT_LIMITS,
    ...options,
    rateLimit: { ...DEFAULT_LIMITS.rateLimit, ...options.rateLimit },
  };
}
