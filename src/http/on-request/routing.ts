// What the router cannot take to an operation, answered before any body is
// read: no such path (404); a method that a known path does not support
// (POST /orders/1, DELETE /orders, TRACE /orders), a 405 with Allow rather
// than Fastify's 404; and a path the router cannot even take apart.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { OpenApiDocument } from '../../contract/spec.js';
import { invalid, problem, sendProblem } from '../errors/problem.js';
import { stampResponseHeaders } from '../response/headers.js';

const DECLARABLE: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'];

function notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split('?')[0];
  return sendProblem(reply, problem('not-found', `There is no resource at ${path}.`));
}

function methodNotAllowed(request: FastifyRequest, reply: FastifyReply, allowed: string[]): FastifyReply {
  reply.header('allow', allowed.join(', '));
  const detail = `${request.method} is not supported here; use ${allowed.join(', ')}.`;
  return sendProblem(reply, problem('method-not-allowed', detail));
}

/** Registers the 405 routes and the not-found handler that completes them. */
export function registerRouting(app: FastifyInstance, spec: OpenApiDocument): void {
  const paths = Object.entries(spec.paths).map(([path, item]) => {
    const allowed = DECLARABLE.filter((m) => m.toLowerCase() in item);
    if (allowed.includes('GET')) allowed.splice(1, 0, 'HEAD'); // Fastify answers HEAD for every GET
    return { path, allowed };
  });
  // Every method Fastify routes (GET … TRACE, QUERY) gets a route of its own
  // on each path, answered in onRequest, before any body is read.
  for (const { path, allowed } of paths) {
    const others = app.supportedMethods.filter((m) => !allowed.includes(m as HTTPMethods));
    if (others.length === 0) continue;
    app.route({
      method: others,
      url: path.replace(/{(\w+)}/g, ':$1'),
      onRequest: async (request, reply) => methodNotAllowed(request, reply, allowed),
      handler: async () => undefined, // never reached: onRequest has replied
    });
  }
  // Methods Fastify does not route at all (PROPFIND, SEARCH, …: any that
  // Node's parser accepts) reach the not-found handler even on a known path,
  // where they get the same 405 as the rest.
  const patterns = paths.map(({ path, allowed }) => ({
    pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/{\w+}/g, '[^/]+')}$`),
    allowed,
  }));
  app.setNotFoundHandler(function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const known = patterns.find(({ pattern }) => pattern.test(request.url.split('?')[0]!));
    return known ? methodNotAllowed(request, reply, known.allowed) : notFound(request, reply);
  });
}

/**
 * Fastify's frameworkErrors: a path parameter that is not valid
 * percent-encoded UTF-8 (/orders/%E0%A4) or longer than the router's
 * 100-character limit. Fastify would answer with a JSON body of its own (400
 * and 414); these are malformed ids, answered as any other malformed path id.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const detail =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'has a path segment longer than 100 characters; ids have at most 18 digits'
      : 'has a path segment that is not valid percent-encoded UTF-8';
  request.log.info({ code: error.code }, 'request rejected before routing');
  // No route, so no onSend hook: the response headers are set here.
  stampResponseHeaders(request, reply);
  sendProblem(reply, invalid([{ in: 'path', pointer: '#', detail }]));
}
