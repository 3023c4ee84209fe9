// A request's server span, by @fastify/otel (the Fastify team's
// instrumentation for Fastify 5), named and routed as the semantic
// conventions say (`POST /orders`, http.route the spec's template), with a
// child span for the handler; the database statements below it come from
// src/db/observed-driver.ts. Every log line of a traced request carries its
// trace_id and span_id. Loaded only when tracing is on (app.ts).
import { FastifyOtelInstrumentation } from '@fastify/otel';
import type { FastifyInstance } from 'fastify';
import { routeOf } from '../metrics/http-requests.js';
import type { Tracing } from './provider.js';

// Probes and scrapes would be most of the traces and tell nothing.
const UNTRACED = new Set(['/healthz', '/readyz', '/metrics']);

export async function traceRequests(app: FastifyInstance, tracing: Tracing): Promise<void> {
  const instrumentation = new FastifyOtelInstrumentation({
    // One span per hook (a dozen per request) would bury the handler and its statements.
    instrumentHooks: false,
    ignorePaths: ({ url }) => UNTRACED.has(url.split('?')[0]!),
    requestHook(span, request) {
      const route = routeOf(request);
      span.updateName(route ? `${request.method} ${route}` : request.method);
      if (route) span.setAttribute('http.route', route);
    },
  });
  instrumentation.setTracerProvider(tracing.provider);
  await app.register(instrumentation.plugin());
  app.addHook('onRequest', (request, reply, done) => {
    const { span } = request.opentelemetry();
    if (span) {
      const { traceId, spanId } = span.spanContext();
      request.log = request.log.child({ trace_id: traceId, span_id: spanId });
      reply.log = request.log;
    }
    done();
  });
}
