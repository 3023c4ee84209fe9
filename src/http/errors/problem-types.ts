// Every kind of problem the service answers with, in one table: its `type`
// (/problems/<kind>), its status and title, and the error class a handler or
// hook throws to get it. Kinds without a class are detected where they
// happen (Node's parser, the router, Fastify's body errors, the deadline, a
// database outage) and built with the same problem() from ./problem.ts.
import { ForbiddenError, UnauthorizedError } from '../../auth/api-keys.js';
import {
  EventsPurgedError,
  IdempotencyKeyInUseError,
  IdempotencyKeyReusedError,
  InvalidInputError,
  KeyStreamsFullError,
  NotFoundError,
  OrderConflictError,
  PreconditionFailedError,
  ServiceInUseError,
  StreamsFullError,
  UnknownServicesError,
} from '../../domain/errors.js';
import { ForbiddenUrlError } from '../../webhooks/endpoint-url.js';
import { UnsupportedMediaTypeError } from '../body/media-types.js';

// biome-ignore lint/suspicious/noExplicitAny: any constructor of an Error, whatever its parameters
type ErrorClass = abstract new (...args: any[]) => Error;

/** Extension members a problem copies from the error it answers. */
export type ProblemMember = 'conflictingOrderIds' | 'nearestAvailable' | 'unknownServiceIds' | 'feedStart' | 'errors';

interface ProblemType {
  status: number;
  title: string;
  /** An error of this class is answered with this problem, its message as the detail. */
  thrownAs?: ErrorClass;
  members?: readonly ProblemMember[];
}

export const PROBLEM_TYPES = {
  'bad-request': { status: 400, title: 'Bad request' },
  // InvalidInputError and every schema failure; built by invalid(), which lists (and caps) the inputs.
  validation: { status: 400, title: 'Invalid request', thrownAs: InvalidInputError },
  unauthorized: { status: 401, title: 'Unauthorized', thrownAs: UnauthorizedError },
  forbidden: { status: 403, title: 'Forbidden', thrownAs: ForbiddenError },
  'not-found': { status: 404, title: 'Not found', thrownAs: NotFoundError },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'request-timeout': { status: 408, title: 'Request timeout' },
  'order-conflict': {
    status: 409,
    title: 'Order conflict',
    thrownAs: OrderConflictError,
    members: ['conflictingOrderIds', 'nearestAvailable'],
  },
  'service-in-use': { status: 409, title: 'Service in use', thrownAs: ServiceInUseError },
  'idempotency-key-in-use': { status: 409, title: 'Idempotency key in use', thrownAs: IdempotencyKeyInUseError },
  'precondition-failed': { status: 412, title: 'Precondition failed', thrownAs: PreconditionFailedError },
  'events-purged': { status: 410, title: 'Events purged', thrownAs: EventsPurgedError, members: ['feedStart'] },
  'payload-too-large': { status: 413, title: 'Payload too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type', thrownAs: UnsupportedMediaTypeError },
  'expectation-failed': { status: 417, title: 'Expectation failed' },
  'idempotency-key-reused': { status: 422, title: 'Idempotency key reused', thrownAs: IdempotencyKeyReusedError },
  // Thrown for a stream beyond its API key's bound; the rate limit builds its own.
  'rate-limited': { status: 429, title: 'Too many requests', thrownAs: KeyStreamsFullError },
  'unknown-services': {
    status: 422,
    title: 'Unknown services',
    thrownAs: UnknownServicesError,
    members: ['unknownServiceIds'],
  },
  'forbidden-address': {
    status: 422,
    title: 'Address not allowed',
    thrownAs: ForbiddenUrlError,
    members: ['errors'],
  },
  'headers-too-large': { status: 431, title: 'Request header fields too large' },
  internal: { status: 500, title: 'Internal server error' },
  // Thrown for a stream beyond the process's bound; a database outage is detected where it happens.
  unavailable: { status: 503, title: 'Service unavailable', thrownAs: StreamsFullError },
} as const satisfies Record<string, ProblemType>;

export type ProblemKind = keyof typeof PROBLEM_TYPES;

const THROWN = Object.entries(PROBLEM_TYPES as Record<ProblemKind, ProblemType>).filter(([, type]) => type.thrownAs);

/** The kind of problem that answers `error` by its class, and the members to copy from it; none for other errors. */
export function problemTypeOf(error: unknown): { kind: ProblemKind; members: readonly ProblemMember[] } | undefined {
  const found = THROWN.find(([, type]) => error instanceof type.thrownAs!);
  return found && { kind: found[0] as ProblemKind, members: found[1].members ?? [] };
}
