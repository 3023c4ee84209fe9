// An HTTP/1.1 request must name its Host (RFC 9112, section 3.2). Node
// refuses one without it by itself, with a bare 400 and no body; that check
// is off (server-options.ts) so that this refusal, the first of the
// onRequest hooks, is a problem like every other: a validation problem
// naming the header, as every operation's 400 is. HTTP/1.0 needs no Host.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { invalid, sendProblem } from '../errors/problem.js';

export async function requireHost(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  if (request.raw.httpVersion !== '1.1' || request.headers.host !== undefined) return undefined;
  // As Node does: the connection cannot be trusted to carry another request.
  reply.header('connection', 'close');
  return sendProblem(reply, invalid([{ in: 'header', pointer: '#/host', detail: 'is required in HTTP/1.1' }]));
}
