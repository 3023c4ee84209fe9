// The stream's fan-out in one process: on each wake-up it reads the feed
// once from its head and hands the new events to every live subscriber,
// whatever their number. A new subscriber with a position first catches up
// with reads of its own (at its own pace), then joins: the join runs in the
// hub's queue, between two of its reads, after one last catch-up read, so
// nothing committed between the catch-up and the first live read is missed,
// and a subscriber's position drops anything it was already sent.
import type { Database } from '../db/client.js';
import { KeyStreamsFullError, StreamsFullError } from '../domain/errors.js';
import { feedEnd, readEvents } from './feed.js';
import { comparePositions, type Position, parsePosition } from './position.js';
import type { EventsConfig } from './settings.js';
import { type Framed, frameOf, type Subscriber } from './subscriber.js';
import type { Event } from './types.js';
import type { Wake } from './wake.js';

const PAGE = 200;

const framed = (events: Event[]): Framed[] => events.map((event) => frameOf(event, parsePosition(event.id)!));

export function createHub(db: Database, wake: Wake, config: EventsConfig, onError: (error: unknown) => void) {
  const all = new Set<Subscriber>();
  const live = new Set<Subscriber>();
  const perKey = new Map<string, number>();
  let head: Position | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let pullQueued = false;
  let heartbeat: NodeJS.Timeout | undefined;
  let stopped = false;
  /** Database reads made for wake-ups (the benchmark counts them). */
  const stats = { wakeReads: 0 };

  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work);
    queue = run.catch(onError);
    return run;
  };

  async function pull(): Promise<void> {
    pullQueued = false;
    for (;;) {
      if (!head || live.size === 0) return;
      const page = await readEvents(db, { after: head, limit: PAGE });
      stats.wakeReads++;
      head = page.next;
      if (page.events.length > 0) {
        const events = framed(page.events);
        for (const subscriber of live) subscriber.deliver(events);
      }
      if (!page.hasMore) return;
      // Between pages of a burst, let the sockets take what they were given.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  const onWake = () => {
    if (pullQueued || live.size === 0) return;
    pullQueued = true;
    void serially(pull);
  };

  function release(subscriber: Subscriber): void {
    all.delete(subscriber);
    live.delete(subscriber);
    const count = (perKey.get(subscriber.key) ?? 1) - 1;
    if (count === 0) perKey.delete(subscriber.key);
    else perKey.set(subscriber.key, count);
  }

  return {
    stats,

    /** Refuses a new stream for `key` when the process or the key is at its bound. */
    assertRoom(key: string): void {
      if (stopped) throw new StreamsFullError(config.streamsMax, 'This process is shutting down; reconnect to resume.');
      if (all.size >= config.streamsMax) throw new StreamsFullError(config.streamsMax);
      if ((perKey.get(key) ?? 0) >= config.streamsPerKeyMax) throw new KeyStreamsFullError(config.streamsPerKeyMax);
    },

    /**
     * Serves `subscriber` until it closes: what follows its position (or,
     * with none, what commits from now on), then live.
     */
    async serve(subscriber: Subscriber, fromNow: boolean): Promise<void> {
      if (stopped) return subscriber.end(); // admitted just before the shutdown began
      all.add(subscriber);
      perKey.set(subscriber.key, (perKey.get(subscriber.key) ?? 0) + 1);
      subscriber.response.once('close', () => release(subscriber));
      try {
        for (let more = !fromNow; more && !subscriber.closed; ) {
          const page = await readEvents(db, { after: subscriber.position, limit: PAGE });
          await subscriber.catchUp(framed(page.events), config.streamSendTimeoutMs);
          subscriber.position = page.next;
          more = page.hasMore;
        }
        await serially(async () => {
          // With nobody live the hub stopped reading: its head is stale.
          if (live.size === 0) head = undefined;
          if (fromNow) subscriber.position = head ??= await feedEnd(db);
          for (let more = !fromNow; more && !subscriber.closed; ) {
            const page = await readEvents(db, { after: subscriber.position, limit: PAGE });
            subscriber.deliver(framed(page.events));
            subscriber.position = page.next;
            more = page.hasMore;
          }
          // Everything up to the subscriber's position has been handed out: a
          // fresh head may start there, but never past the feed's end (a
          // well-formed position no event has yet would stall every stream).
          if (!head) {
            const end = await feedEnd(db);
            head = comparePositions(subscriber.position, end) < 0 ? subscriber.position : end;
          }
          if (!subscriber.closed) live.add(subscriber);
        });
        onWake(); // a wake-up that came while it joined found nobody live
      } catch (error) {
        onError(error);
        subscriber.disconnect();
      }
    },

    start(): void {
      wake.subscribe(onWake);
      heartbeat = setInterval(() => {
        for (const subscriber of all) subscriber.comment('heartbeat');
      }, config.heartbeatMs).unref();
    },

    /** Ends every stream (the graceful shutdown): clients reconnect with Last-Event-ID. */
    stop(): void {
      stopped = true;
      clearInterval(heartbeat);
      for (const subscriber of all) subscriber.end();
    },
  };
}

export type Hub = ReturnType<typeof createHub>;
