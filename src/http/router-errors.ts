// Paths the router cannot even take apart: a path parameter that is not
// valid percent-encoded UTF-8 (/orders/%E0%A4) or longer than the router's
// 100-character limit. Fastify answers these itself with a JSON body of its
// own (400 and 414); this answers them as the malformed ids they are: a
// validation problem, like any other malformed path id.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { invalid, sendProblem } from './problem.js';

export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const detail =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'has a path segment longer than 100 characters; ids have at most 18 digits'
      : 'has a path segment that is not valid percent-encoded UTF-8';
  request.log.info({ code: error.code }, 'request rejected before routing');
  // No route, so no onSend hook: echo the request id here.
  reply.header('x-request-id', request.id);
  sendProblem(reply, invalid([{ in: 'path', pointer: '#', detail }]));
}
