// The event machinery of one process, started and stopped with the app: the
// wake-up on commit (which a webhook dispatcher may subscribe to as well),
// the stream's hub, the purge of expired events, and the two handlers.
import type { FastifyInstance } from 'fastify';
import type { DatabaseHandle } from '../db/client.js';
import type { Handlers } from '../http/types.js';
import { createEventHandlers } from './handlers.js';
import { createHub } from './hub.js';
import { purgeEvents } from './retention.js';
import type { EventsConfig } from './settings.js';
import { createStreamHandler } from './stream.js';
import { createWake } from './wake.js';

/** `shutdown`: aborted when a graceful shutdown begins; the streams end then (see AppOptions). */
export function registerEvents(
  app: FastifyInstance,
  database: DatabaseHandle,
  config: EventsConfig,
  shutdown?: AbortSignal,
) {
  const warn = (what: string) => (error: unknown) => app.log.warn({ err: error }, what);
  const wake = createWake(database, config.pollMs, warn('waking event readers failed'));
  const hub = createHub(database.db, wake, config, warn('serving an event stream failed'));
  const purge = () => purgeEvents(database.db, config.retentionDays).catch(warn('purging events failed'));
  let purgeTimer: NodeJS.Timeout | undefined;

  app.addHook('onReady', async () => {
    await wake.start();
    hub.start();
    void purge();
    purgeTimer = setInterval(purge, config.purgeIntervalMs).unref();
  });
  // Before the server waits for its connections to end: a stream would
  // otherwise hold its connection open until the deadline. src/server.ts
  // signals `shutdown` when its drain begins; app.close() alone (tests) gets preClose.
  shutdown?.addEventListener('abort', () => hub.stop(), { once: true });
  app.addHook('preClose', async () => hub.stop());
  app.addHook('onClose', async () => {
    clearInterval(purgeTimer);
    await wake.stop();
  });

  const handlers = {
    ...createEventHandlers(database.db),
    ...createStreamHandler(database.db, hub, config),
  } satisfies Pick<Handlers, 'listEvents' | 'streamEvents'>;
  return { wake, hub, purge, handlers };
}

export type Events = ReturnType<typeof registerEvents>;
