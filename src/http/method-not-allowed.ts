// A request with a method that a known path does not support (POST
// /orders/1, DELETE /orders, TRACE /orders) is answered 405 with an Allow
// header, not the 404 that Fastify gives by default. The answer comes before
// the body is read.
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { OpenApiDocument } from '../contract/spec.js';
import { methodNotAllowed, notFoundHandler } from './problem.js';

const DECLARABLE: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'];

/** Registers the 405 routes and the not-found handler that completes them. */
export function registerMethodNotAllowed(app: FastifyInstance, spec: OpenApiDocument): void {
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
  app.setNotFoundHandler(function notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const known = patterns.find(({ pattern }) => pattern.test(request.url.split('?')[0]!));
    return known ? methodNotAllowed(request, reply, known.allowed) : notFoundHandler(request, reply);
  });
}
