// Whatever a hook, the framework or a handler threw becomes a problem: by its
// class (the table in problem-types.ts), or as one of the errors Fastify,
// the deadline and the database raise. Anything else is a 500 that names no
// internals; the log has the error.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthorizedError } from '../../auth/api-keys.js';
import { BODY_LIMIT_BYTES } from '../../config.js';
import { isDatabaseUnavailable } from '../../db/errors.js';
import { InvalidInputError } from '../../domain/errors.js';
import { acceptedMediaTypes, UnsupportedMediaTypeError } from '../body/media-types.js';
import { DeadlineExceededError } from '../handler/deadline.js';
import type { RequestValidation } from '../validation/compiler.js';
import { invalid, invalidBody, type Problem, problem, sendProblem } from './problem.js';
import { problemTypeOf } from './problem-types.js';

/** fastify-openapi-glue wraps what a security handler threw in a SecurityError's `errors`. */
function unwrapSecurityError(error: unknown): unknown {
  const inner = (error as { errors?: unknown[] }).errors;
  return inner?.find((e) => e instanceof UnauthorizedError || e instanceof ForbiddenError) ?? error;
}

/** Fastify's own errors about a request, by code. */
function frameworkProblem(error: Partial<FastifyError>, request: FastifyRequest): Problem | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return invalidBody(`is not valid JSON: ${error.message}`);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return invalidBody('is empty; send a JSON document');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return invalidBody('does not match its Content-Length');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem('payload-too-large', `Request bodies are limited to ${BODY_LIMIT_BYTES} bytes.`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': {
      const sent = request.headers['content-type'] ?? '';
      return problem(
        'unsupported-media-type',
        new UnsupportedMediaTypeError(sent, acceptedMediaTypes(request)).message,
      );
    }
  }
  // The JSON parser rejects __proto__ and constructor.prototype keys with a 400 SyntaxError.
  if (error instanceof SyntaxError && (error as Partial<FastifyError>).statusCode === 400) {
    return invalidBody(`is not acceptable JSON: ${error.message}`);
  }
  const status = error.statusCode;
  if (status && status >= 400 && status < 500) {
    // Any other refusal Fastify makes keeps its status.
    return { ...problem('bad-request', error.message ?? 'The request cannot be served.'), status };
  }
  return undefined;
}

/** The problem that answers `thrown`, which may be anything a handler or Fastify threw. */
export function problemFor(thrown: unknown, request: FastifyRequest, validation: RequestValidation): Problem {
  const error = unwrapSecurityError(thrown);
  if (error instanceof InvalidInputError) return invalid(error.errors);
  const byClass = problemTypeOf(error);
  if (byClass) {
    const members = Object.fromEntries(byClass.members.map((m) => [m, (error as Record<string, unknown>)[m]]));
    return problem(byClass.kind, (error as Error).message, members);
  }
  if (error instanceof DeadlineExceededError) {
    // Past the handler deadline (HANDLER_TIMEOUT_MS): still reading a slow
    // client's body (a route that takes one has none yet), or waiting on the database.
    const readingBody = request.body === undefined && request.routeOptions.schema?.body !== undefined;
    return readingBody
      ? problem('request-timeout', 'The request body did not arrive in time.')
      : problem('unavailable', 'The service could not answer in time; retry later.');
  }
  if (isDatabaseUnavailable(error)) return problem('unavailable', 'The database is unreachable or busy; retry later.');
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation) return invalid(validation.errorsOf(request, fastifyError));
  return (
    frameworkProblem(fastifyError, request) ??
    problem('internal', 'The server failed to answer this request. It has been logged.')
  );
}

export function createErrorHandler(validation: RequestValidation) {
  return function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const body = problemFor(error, request, validation);
    if (body.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ problem: body.type, detail: body.detail }, 'request rejected');
    return sendProblem(reply, body);
  };
}
