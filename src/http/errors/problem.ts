// The one builder of problem bodies (RFC 9457): every refusal the service
// makes, from Fastify's reply or straight on Node's socket, is built here
// from the kinds in problem-types.ts.
import type { FastifyReply } from 'fastify';
import type { components } from '../../../generated/api.js';
import type { InvalidInput } from '../../domain/errors.js';
import { NOSNIFF } from '../response/headers.js';
import { PROBLEM_TYPES, type ProblemKind } from './problem-types.js';

type Schemas = components['schemas'];
export type Problem = Schemas['Problem'] &
  Partial<
    Pick<Schemas['ValidationProblem'], 'errors' | 'errorsOmitted'> &
      Pick<Schemas['OrderConflictProblem'], 'conflictingOrderIds' | 'nearestAvailable'> &
      Pick<Schemas['UnknownServicesProblem'], 'unknownServiceIds'> &
      Pick<Schemas['EventsPurgedProblem'], 'feedStart'>
  >;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const RETRY_AFTER_SECONDS = 5;
/** A validation problem lists at most this many inputs and says how many more failed. */
export const MAX_LISTED_ERRORS = 50;

export function problem(kind: ProblemKind, detail: string, extra: Partial<Problem> = {}): Problem {
  const { status, title } = PROBLEM_TYPES[kind];
  return { type: `/problems/${kind}`, title, status, detail, ...extra };
}

/** A validation problem naming the first MAX_LISTED_ERRORS failing inputs. */
export function invalid(errors: InvalidInput[]): Problem {
  const count = errors.length;
  const omitted = count - MAX_LISTED_ERRORS;
  if (omitted > 0) {
    const detail = `The request has ${count} invalid inputs; the first ${MAX_LISTED_ERRORS} are listed.`;
    return problem('validation', detail, { errors: errors.slice(0, MAX_LISTED_ERRORS), errorsOmitted: omitted });
  }
  const detail = count === 1 ? 'The request has 1 invalid input.' : `The request has ${count} invalid inputs.`;
  return problem('validation', detail, { errors });
}

export const invalidBody = (detail: string) => invalid([{ in: 'body', pointer: '#', detail }]);

/** Answers with `body` through Fastify, with the headers its status calls for. */
export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  if (body.status === 503) reply.header('retry-after', RETRY_AFTER_SECONDS);
  if (body.status === 401) reply.header('www-authenticate', 'Bearer realm="order-service"');
  if (body.status === 408) reply.header('connection', 'close'); // the rest of the body would follow
  return reply
    .code(body.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send({ ...body, instance: reply.request.url.split('?')[0] });
}

/**
 * The JSON and headers of a problem written on Node's response or socket
 * directly, where there is no Fastify reply: the connection closes after it.
 */
export function closingProblem(body: Problem, headers: Record<string, string> = NOSNIFF) {
  const json = JSON.stringify(body);
  return {
    json,
    headers: {
      'content-type': PROBLEM_CONTENT_TYPE,
      'content-length': String(Buffer.byteLength(json)),
      connection: 'close',
      ...headers,
    },
  };
}
