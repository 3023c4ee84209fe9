// A request with a method that a known path does not support (POST
// /orders/1, DELETE /orders) is answered 405 with an Allow header, not the
// 404 that Fastify gives by default. The answer comes before the body is read.
import type { FastifyInstance, HTTPMethods } from 'fastify';
import type { OpenApiDocument } from '../contract/spec.js';
import { methodNotAllowed } from './problem.js';

const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export function registerMethodNotAllowed(app: FastifyInstance, spec: OpenApiDocument): void {
  for (const [path, item] of Object.entries(spec.paths)) {
    const allowed = METHODS.filter((m) => m.toLowerCase() in item);
    if (allowed.includes('GET')) allowed.splice(1, 0, 'HEAD'); // Fastify answers HEAD for every GET
    const others = METHODS.filter((m) => !allowed.includes(m));
    if (others.length === 0) continue;
    app.route({
      method: others,
      url: path.replace(/{(\w+)}/g, ':$1'),
      onRequest: async (request, reply) => methodNotAllowed(request, reply, allowed),
      handler: async () => undefined, // never reached: onRequest has replied
    });
  }
}
