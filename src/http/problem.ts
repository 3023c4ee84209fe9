// Every error leaves the service as application/problem+json (RFC 9457).
// This file is the one table from errors to problems: domain errors, the
// framework's own errors, database outages, and anything unexpected (a 500
// that names no internals).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { components } from '../../generated/api.js';
import { ForbiddenError, UnauthorizedError } from '../auth/api-keys.js';
import { BODY_LIMIT_BYTES } from '../config.js';
import { isDatabaseUnavailable } from '../db/errors.js';
import {
  IdempotencyKeyInUseError,
  IdempotencyKeyReusedError,
  type InvalidInput,
  InvalidInputError,
  NotFoundError,
  OrderConflictError,
  PreconditionFailedError,
  ServiceInUseError,
  UnknownServicesError,
} from '../domain/errors.js';
import { DeadlineExceededError } from './deadline.js';
import { acceptedMediaTypes, UnsupportedMediaTypeError } from './request-guards.js';
import type { RequestValidation } from './validation.js';

type Problem = components['schemas']['Problem'] &
  Partial<
    Pick<components['schemas']['ValidationProblem'], 'errors'> &
      Pick<components['schemas']['OrderConflictProblem'], 'conflictingOrderIds' | 'nearestAvailable'> &
      Pick<components['schemas']['UnknownServicesProblem'], 'unknownServiceIds'>
  >;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const RETRY_AFTER_SECONDS = 5;

function problem(status: number, kind: string, title: string, detail: string, extra: Partial<Problem> = {}): Problem {
  return { type: `/problems/${kind}`, title, status, detail, ...extra };
}

export function invalid(errors: InvalidInput[]): Problem {
  const detail =
    errors.length === 1 ? 'The request has 1 invalid input.' : `The request has ${errors.length} invalid inputs.`;
  return problem(400, 'validation', 'Invalid request', detail, { errors });
}

const invalidBody = (detail: string) => invalid([{ in: 'body', pointer: '#', detail }]);

/** fastify-openapi-glue wraps what a security handler threw in a SecurityError's `errors`. */
function unwrapSecurityError(error: unknown): unknown {
  const inner = (error as { errors?: unknown[] }).errors;
  return inner?.find((e) => e instanceof UnauthorizedError || e instanceof ForbiddenError) ?? error;
}

/** The problem that answers `error`, which may be anything a handler or Fastify threw. */
export function problemFor(thrown: unknown, request: FastifyRequest, validation: RequestValidation): Problem {
  const error = unwrapSecurityError(thrown);
  if (error instanceof InvalidInputError) return invalid(error.errors);
  if (error instanceof UnauthorizedError) return problem(401, 'unauthorized', 'Unauthorized', error.message);
  if (error instanceof ForbiddenError) return problem(403, 'forbidden', 'Forbidden', error.message);
  if (error instanceof PreconditionFailedError) {
    return problem(412, 'precondition-failed', 'Precondition failed', error.message);
  }
  if (error instanceof IdempotencyKeyInUseError) {
    return problem(409, 'idempotency-key-in-use', 'Idempotency key in use', error.message);
  }
  if (error instanceof IdempotencyKeyReusedError) {
    return problem(422, 'idempotency-key-reused', 'Idempotency key reused', error.message);
  }
  if (error instanceof UnsupportedMediaTypeError) {
    return problem(415, 'unsupported-media-type', 'Unsupported media type', error.message);
  }
  if (error instanceof NotFoundError) return problem(404, 'not-found', 'Not found', error.message);
  if (error instanceof OrderConflictError) {
    return problem(409, 'order-conflict', 'Order conflict', error.message, {
      conflictingOrderIds: error.conflictingOrderIds,
      nearestAvailable: error.nearestAvailable,
    });
  }
  if (error instanceof ServiceInUseError) return problem(409, 'service-in-use', 'Service in use', error.message);
  if (error instanceof UnknownServicesError) {
    return problem(422, 'unknown-services', 'Unknown services', error.message, {
      unknownServiceIds: error.unknownServiceIds,
    });
  }
  if (error instanceof DeadlineExceededError) {
    // Past the handler deadline (HANDLER_TIMEOUT_MS): still reading a slow
    // client's body (a route that takes one has none yet), or waiting on the database.
    const readingBody = request.body === undefined && request.routeOptions.schema?.body !== undefined;
    return readingBody
      ? problem(408, 'request-timeout', 'Request timeout', 'The request body did not arrive in time.')
      : problem(503, 'unavailable', 'Service unavailable', 'The service could not answer in time; retry later.');
  }
  if (isDatabaseUnavailable(error)) {
    return problem(503, 'unavailable', 'Service unavailable', 'The database is unreachable or busy; retry later.');
  }
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation) return invalid(validation.errorsOf(request, fastifyError));
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return invalidBody(`is not valid JSON: ${fastifyError.message}`);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return invalidBody('is empty; send a JSON document');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return invalidBody('does not match its Content-Length');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem(
        413,
        'payload-too-large',
        'Payload too large',
        `Request bodies are limited to ${BODY_LIMIT_BYTES} bytes.`,
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': {
      const unsupported = new UnsupportedMediaTypeError(
        request.headers['content-type'] ?? '',
        acceptedMediaTypes(request),
      );
      return problem(415, 'unsupported-media-type', 'Unsupported media type', unsupported.message);
    }
  }
  // The JSON parser rejects __proto__ and constructor.prototype keys with a 400 SyntaxError.
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return invalidBody(`is not acceptable JSON: ${error.message}`);
  }
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500) {
    return problem(status, 'bad-request', 'Bad request', fastifyError.message ?? 'The request cannot be served.');
  }
  return problem(
    500,
    'internal',
    'Internal server error',
    'The server failed to answer this request. It has been logged.',
  );
}

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  if (body.status === 503) reply.header('retry-after', RETRY_AFTER_SECONDS);
  if (body.status === 401) reply.header('www-authenticate', 'Bearer realm="order-service"');
  if (body.status === 408) reply.header('connection', 'close'); // the rest of the body would follow
  return reply
    .code(body.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send({ ...body, instance: reply.request.url.split('?')[0] });
}

export function createErrorHandler(validation: RequestValidation) {
  return function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const body = problemFor(error, request, validation);
    if (body.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ problem: body.type, detail: body.detail }, 'request rejected');
    return sendProblem(reply, body);
  };
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split('?')[0];
  return sendProblem(reply, problem(404, 'not-found', 'Not found', `There is no resource at ${path}.`));
}

export function methodNotAllowed(request: FastifyRequest, reply: FastifyReply, allowed: string[]): FastifyReply {
  reply.header('allow', allowed.join(', '));
  return sendProblem(
    reply,
    problem(
      405,
      'method-not-allowed',
      'Method not allowed',
      `${request.method} is not supported here; use ${allowed.join(', ')}.`,
    ),
  );
}
