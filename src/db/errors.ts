// Reads what a database error means, whichever driver raised it. Drizzle
// wraps driver errors (the SQLSTATE is on `cause`); postgres.js reports
// connection failures with Node-style codes instead of a SQLSTATE.

export const SQLSTATE = {
  exclusionViolation: '23P01',
  foreignKeyViolation: '23503',
  restrictViolation: '23001',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
} as const;

function* causes(error: unknown): Generator<Record<string, unknown>> {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    yield e as Record<string, unknown>;
    e = (e as { cause?: unknown }).cause;
  }
}

export function sqlState(error: unknown): string | undefined {
  for (const e of causes(error)) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return undefined;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
]);

// 08xxx connection exceptions; 57P01–57P03 server shutting down or starting;
// 53300 too many connections; 57014 statement timeout (the server is too
// busy); 40001 / 40P01 serialization failure or deadlock that outlasted the
// repositories' retries (the same request may well succeed a moment later).
const UNAVAILABLE_STATE = /^(08...|57P0[123]|53300|57014|40001|40P01)$/;

/** A write that kept colliding with concurrent writers through every retry. */
export class WriteContentionError extends Error {
  constructor(cause: unknown) {
    super('the write collided with concurrent writers on every attempt', { cause });
  }
}

/** True when the error says the database cannot serve us now, not that the request was wrong. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof WriteContentionError) return true;
  for (const e of causes(error)) {
    if (typeof e.code === 'string' && (CONNECTION_CODES.has(e.code) || UNAVAILABLE_STATE.test(e.code))) {
      return true;
    }
  }
  return false;
}
