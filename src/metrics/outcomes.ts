// What an operator of this service asks first, counted from the answers:
// orders created, conflicts (409s by operation and problem), idempotent
// replays, and 503s by cause. The cause and the problem kind come from the
// error that produced the answer (the onError hook sees it before the error
// handler turns it into a problem); the rest from the status and headers.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable, WriteContentionError } from '../db/errors.js';
import { problemTypeOf } from '../http/errors/problem-types.js';
import { DeadlineExceededError } from '../http/handler/deadline.js';
import type { Metrics } from './registry.js';

type Cause = 'contention' | 'deadline' | 'database' | 'other';

function causeOf(error: unknown): Cause {
  if (error instanceof WriteContentionError) return 'contention';
  if (error instanceof DeadlineExceededError) return 'deadline';
  return isDatabaseUnavailable(error) ? 'database' : 'other';
}

const operationOf = (request: FastifyRequest) =>
  (request.routeOptions.schema as { operationId?: string } | undefined)?.operationId ?? '';

export function countOutcomes(app: FastifyInstance, metrics: Metrics): void {
  const created = metrics.counter(
    'order_service_orders_created_total',
    'Orders created: 201 answers to POST /orders, replays excluded.',
  );
  const conflicts = metrics.counter(
    'order_service_conflicts_total',
    '409 answers, by operation and problem type (order-conflict, service-in-use, idempotency-key-in-use).',
    ['operation', 'problem_type'],
  );
  const replays = metrics.counter(
    'order_service_idempotent_replays_total',
    'Creates answered from a stored answer (Idempotency-Key sent again), by operation.',
    ['operation'],
  );
  const unavailable = metrics.counter(
    'order_service_unavailable_total',
    '503 answers by cause: database (unreachable or refusing), deadline (HANDLER_TIMEOUT_MS passed), contention (a write collided on every retry).',
    ['cause'],
  );

  const errors = new WeakMap<FastifyRequest, unknown>();
  app.addHook('onError', (request, _reply, error, done) => {
    errors.set(request, error);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    if (status === 201 || status === 200) {
      const operation = operationOf(request);
      if (reply.getHeader('idempotent-replayed') === 'true') replays.labels(operation).inc();
      else if (status === 201 && operation === 'createOrder') created.inc();
    } else if (status === 409) {
      const kind = problemTypeOf(errors.get(request))?.kind ?? '';
      conflicts.labels(operationOf(request), kind).inc();
    } else if (status === 503) {
      unavailable.labels(causeOf(errors.get(request))).inc();
    }
    done();
  });
}
