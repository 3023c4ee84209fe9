// HTTP server metrics named as the OpenTelemetry HTTP semantic conventions
// are written in Prometheus: the duration of each request by method, route
// template and status, and the requests in progress. The route is the
// spec's template (`/orders/{orderId}`), never the path sent; a request no
// route matched (a 404, a malformed path) has an empty `http_route`, which
// is Prometheus' way of saying the label is absent, as the conventions ask.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Gauge, Histogram } from 'prom-client';
import type { Metrics } from './registry.js';

// The bucket boundaries the conventions recommend for http.server.request.duration.
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

// Other methods (Node accepts PROPFIND, SEARCH, …) are `_OTHER`, so a client cannot mint label values.
const KNOWN_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'TRACE',
  'CONNECT',
  'QUERY',
]);

export const methodOf = (request: FastifyRequest) => (KNOWN_METHODS.has(request.method) ? request.method : '_OTHER');

const templates = new Map<string, string>();
/** The route's template as the spec writes it (Fastify writes `/orders/:orderId`); '' when no route matched. */
export function routeOf(request: FastifyRequest): string {
  const url = request.routeOptions.url;
  if (url === undefined) return '';
  let template = templates.get(url);
  if (template === undefined) {
    template = url.replace(/:(\w+)/g, '{$1}');
    templates.set(url, template);
  }
  return template;
}

export function measureHttpRequests(app: FastifyInstance, { registry }: Metrics): void {
  const duration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP server requests, from the first byte read to the last byte written.',
    labelNames: ['http_request_method', 'http_route', 'http_response_status_code'],
    buckets: BUCKETS,
    registers: [registry],
  });
  const active = new Gauge({
    name: 'http_server_active_requests',
    help: 'HTTP server requests being served.',
    labelNames: ['http_request_method'],
    registers: [registry],
  });

  app.addHook('onRequest', (request, reply, done) => {
    const inProgress = active.labels(methodOf(request));
    inProgress.inc();
    // 'close' also fires for a client that left before its answer, where onResponse does not.
    let counted = true;
    const ended = () => {
      if (counted) inProgress.dec();
      counted = false;
    };
    reply.raw.once('finish', ended).once('close', ended);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    duration.labels(methodOf(request), routeOf(request), String(reply.statusCode)).observe(reply.elapsedTime / 1000);
    done();
  });
}
