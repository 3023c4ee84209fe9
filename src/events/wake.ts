// Wake-ups on commit, one source per process: every transaction that records
// an event NOTIFYs EVENTS_CHANNEL (src/events/outbox.ts), PostgreSQL delivers
// it to every listening process when the transaction commits, and this
// module tells its subscribers (the stream's hub, a webhook dispatcher),
// each of which then reads the feed once for all of its own consumers.
//
// Wake-ups are coalesced: a burst of commits is one call per subscriber.
// A slower timer wakes them too, for what no notification announces: an
// event held back behind a transaction that wrote none (src/events/feed.ts),
// or notifications lost while the listening connection was re-established.
import type { DatabaseHandle } from '../db/client.js';
import { EVENTS_CHANNEL } from './outbox.js';

export interface Wake {
  /** Calls `listener` after commits; returns a function that unsubscribes. */
  subscribe(listener: () => void): () => void;
  /** Starts listening (in the background) and the fallback timer. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createWake(database: DatabaseHandle, fallbackMs: number, onError: (error: unknown) => void): Wake {
  const listeners = new Set<() => void>();
  let pending = false;
  let stopListening: (() => Promise<void>) | undefined;
  let timer: NodeJS.Timeout | undefined;

  const wake = () => {
    if (pending) return;
    pending = true;
    setImmediate(() => {
      pending = false;
      for (const listener of listeners) {
        try {
          listener();
        } catch (error) {
          onError(error);
        }
      }
    });
  };

  // Listening needs the database. Tried once: postgres.js keeps a listener
  // it could not establish and re-listens it by itself, so trying again would
  // pile up listeners; until (or unless) it is up, the timer wakes the readers.
  let stopped = false;
  let listening: Promise<void> | undefined;
  const listen = () => {
    if (stopListening || listening || stopped) return;
    listening = database
      .listen(EVENTS_CHANNEL, wake, wake)
      .then((stop) => {
        if (stopped) return stop();
        stopListening = stop;
      })
      .catch(onError)
      .finally(() => {
        listening = undefined;
      });
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async start() {
      stopped = false;
      timer = setInterval(wake, fallbackMs).unref();
      // Not awaited: a database that is slow or busy at start (PGlite's one
      // connection held by a transaction) must not hold the app's start;
      // until the listener is up, the timer wakes the readers.
      listen();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      listeners.clear();
      await listening;
      await stopListening?.().catch(onError);
      stopListening = undefined;
    },
  };
}
