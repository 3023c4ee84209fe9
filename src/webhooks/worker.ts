// The background work of one process: follow the feed (dispatchOnce), then
// lease endpoints with due deliveries and send to each in commit order,
// one attempt at a time; a failure ends the endpoint's turn (its retry is
// scheduled) so a broken receiver is not hammered. Runs every poll
// interval, and at once when woken (a commit, a retry by hand).

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import { backgroundLoop } from '../background/loop.js';
import type { Database } from '../db/client.js';
import { encodePosition } from '../events/position.js';
import { type ClaimedEndpoint, claimEndpoints, dueDeliveries, recordAttempt, releaseEndpoint } from './deliveries.js';
import { dispatchOnce } from './dispatcher.js';
import { send } from './sender.js';
import type { WebhookSettings } from './settings.js';
import { signedHeaders } from './signature.js';

const BATCH = 50;

export function createWebhookWorker(db: Database, settings: WebhookSettings, log: FastifyBaseLogger) {
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  // Longer than one attempt can take, renewed after each: it only runs out when its holder died.
  const leaseMs = 2 * settings.timeoutMs + 1000;
  const active = new Map<string, Promise<void>>();
  let stopped = false;
  // Aborts the attempts in flight at shutdown: they stay pending, and are sent again.
  const abort = new AbortController();

  async function deliverTo(endpoint: ClaimedEndpoint): Promise<void> {
    try {
      for (let turn = 0; turn < 4 && !stopped; turn++) {
        const due = await dueDeliveries(db, endpoint.id, BATCH);
        for (const delivery of due) {
          if (stopped) return;
          const id = encodePosition({ tx: BigInt(delivery.eventTx), id: BigInt(delivery.eventId) });
          const body = delivery.event && JSON.stringify({ id, ...delivery.event });
          const outcome = body
            ? await send(endpoint.url, signedHeaders(endpoint.secrets, id, body), body, {
                ...settings,
                signal: abort.signal,
              })
            : { statusCode: null, error: 'the event was purged before it could be delivered', durationMs: 0 };
          if (stopped) return; // shutting down: left pending, another attempt follows
          const recorded = await recordAttempt(db, endpoint, delivery, outcome, {
            owner,
            leaseMs,
            schedule: settings.retryScheduleMs,
            purged: !body,
          });
          if (!recorded.leaseHeld || outcome.error !== null) return;
        }
        if (due.length < BATCH) return;
      }
    } finally {
      await releaseEndpoint(db, endpoint.id, owner).catch(() => undefined);
    }
  }

  async function cycle(): Promise<void> {
    while (!stopped && (await dispatchOnce(db))) {}
    const free = settings.concurrency - active.size;
    if (stopped || free <= 0) return;
    for (const endpoint of await claimEndpoints(db, owner, leaseMs, free)) {
      const work = deliverTo(endpoint)
        .catch((error: unknown) => log.warn({ err: error, endpointId: endpoint.id }, 'webhook delivery failed'))
        .finally(() => {
          active.delete(endpoint.id);
          wake();
        });
      active.set(endpoint.id, work);
    }
  }

  const loop = backgroundLoop(cycle, settings.pollIntervalMs, log, 'webhook dispatch failed');
  const wake = loop.wake;

  return {
    start: wake,
    wake,
    async stop(): Promise<void> {
      stopped = true;
      abort.abort();
      await loop.stop();
      await Promise.all(active.values());
    },
  };
}

export type WebhookWorker = ReturnType<typeof createWebhookWorker>;
