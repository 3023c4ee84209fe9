// GET /metrics: on the service's port (an operation of the spec, open like
// the probes), or on a port of its own (a bare HTTP server that answers
// nothing else), per METRICS (settings.ts).
import { createServer, type Server } from 'node:http';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { problem, sendProblem } from '../http/errors/problem.js';
import type { Metrics } from './registry.js';
import type { MetricsSetting } from './settings.js';

/** The getMetrics handler: the registry's text when served here, else the 404 of a path that is not here. */
export function metricsHandler(metrics: Metrics | undefined) {
  return async (_request: unknown, reply: FastifyReply) => {
    if (!metrics) {
      const detail = 'There is no resource at /metrics: metrics are off or served on a port of their own (METRICS).';
      return sendProblem(reply, problem('not-found', detail)) as unknown as string;
    }
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  };
}

/** METRICS=port:N: a server of its own on `host`, started and stopped with the app. */
export function serveOnOwnPort(app: FastifyInstance, metrics: Metrics, port: number, host: string): void {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Only GET /metrics is here.\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (error: unknown) => {
        app.log.error({ err: error }, 'collecting metrics failed');
        response.writeHead(500).end();
      },
    );
  });
  app.addHook(
    'onReady',
    () =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject).listen(port, host, () => {
          app.log.info({ port, host }, 'metrics served on a port of their own');
          resolve();
        });
      }),
  );
  app.addHook(
    'onClose',
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
}

export type { MetricsSetting };
