// What can go wrong in the order domain, in its own words. These carry no
// HTTP status: src/http/problem.ts maps each to a problem response.
import { THREE_HOURS_MS } from '../orders/three-hour-rule.js';

const HOURS = THREE_HOURS_MS / 3_600_000;

export class NotFoundError extends Error {
  constructor(
    readonly resource: 'Order' | 'Service' | 'Problem type' | 'Webhook endpoint' | 'Event',
    readonly id: string,
  ) {
    super(`${resource} ${id} does not exist.`);
  }
}

/** The order would be less than 3 hours (THREE_HOURS_MS) from other orders. */
export class OrderConflictError extends Error {
  /** Where the order would fit instead; filled by src/availability/conflicts.ts. */
  nearestAvailable?: { before: string | null; after: string | null };
  constructor(
    readonly datetime: Date,
    readonly conflictingOrderIds: string[],
  ) {
    const others = conflictingOrderIds.length
      ? `order${conflictingOrderIds.length > 1 ? 's' : ''} ${conflictingOrderIds.join(', ')}`
      : 'another order';
    super(
      `Orders must be at least ${HOURS} hours apart; ${datetime.toISOString()} is less than ${HOURS} hours from ${others}.`,
    );
  }
}

export class UnknownServicesError extends Error {
  constructor(readonly unknownServiceIds: string[]) {
    super(`These services are not in the catalogue: ${unknownServiceIds.join(', ')}.`);
  }
}

export class ServiceInUseError extends Error {
  constructor(readonly serviceId: string) {
    super(`Service ${serviceId} is booked by at least one order; change or delete those orders first.`);
  }
}

export interface InvalidInput {
  in: 'body' | 'path' | 'query' | 'header';
  pointer: string;
  detail: string;
}

/** Input that passes the schema but not a rule the schema cannot say. */
export class InvalidInputError extends Error {
  constructor(readonly errors: InvalidInput[]) {
    super(errors.map((e) => e.detail).join('; '));
  }
}

/** The order changed since the ETag the client sent in If-Match. */
export class PreconditionFailedError extends Error {
  constructor(readonly id: string) {
    super(`Order ${id} has changed since the ETag in If-Match; fetch it again and retry.`);
  }
}

export class IdempotencyKeyInUseError extends Error {
  constructor() {
    super('A request with this Idempotency-Key is still being processed; retry shortly.');
  }
}

export class IdempotencyKeyReusedError extends Error {
  constructor() {
    super('This Idempotency-Key was used with a different request; use a new key for a new request.');
  }
}

/** The events after a feed cursor were purged (EVENT_RETENTION_DAYS); the feed now begins at `feedStart`. */
export class EventsPurgedError extends Error {
  constructor(readonly feedStart: string) {
    super('Events after this cursor were purged; the feed now begins at feedStart.');
  }
}

/** The process serves as many event streams as it may (EVENT_STREAMS_MAX). */
export class StreamsFullError extends Error {
  constructor(
    readonly max: number,
    message = `This process serves at most ${max} event streams; retry shortly (another process may have room).`,
  ) {
    super(message);
  }
}

/** The API key has as many event streams open on this process as it may (EVENT_STREAMS_PER_KEY_MAX). */
export class KeyStreamsFullError extends Error {
  constructor(readonly max: number) {
    super(`This API key has ${max} event streams open on this process, the most it may; close one first.`);
  }
}
