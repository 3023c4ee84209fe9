// GET /events/stream: the feed as Server-Sent Events. The request is checked
// like any other (schema, key, limits; a purged cursor is a 410), then the
// reply is taken over from Fastify (hijack): the handler deadline, the
// compression and the send timeout of ordinary answers do not apply to a
// stream that is meant to last; the hub's bounds do (src/events/hub.ts).
import type { FastifyReply } from 'fastify';
import { callerOf } from '../auth/api-keys.js';
import type { Database } from '../db/client.js';
import { headersFor } from '../http/response/headers.js';
import type { Handlers, RequestOf } from '../http/types.js';
import { readEvents } from './feed.js';
import type { Hub } from './hub.js';
import { decodePosition, type Position } from './position.js';
import { feedQuery } from './query.js';
import type { EventsConfig } from './settings.js';
import { Subscriber } from './subscriber.js';

/** Where a stream resumes: Last-Event-ID (as EventSource sends it), else `after`; none: from now. */
function resumeFrom(request: RequestOf<'streamEvents'>): Position | undefined {
  const lastEventId = request.headers['last-event-id'];
  if (typeof lastEventId === 'string') return decodePosition(lastEventId, { in: 'header', pointer: '#/last-event-id' });
  return feedQuery(request.query, 1).after;
}

export function createStreamHandler(db: Database, hub: Hub, config: EventsConfig) {
  return {
    async streamEvents(request, reply: FastifyReply) {
      const { types, orderId } = feedQuery({ ...request.query, after: undefined }, 1);
      const after = resumeFrom(request);
      const key = callerOf(request);
      // A cursor older than the events kept is a 410 now, before the stream begins.
      if (after) await readEvents(db, { after, limit: 1 });
      // From here until the hub counts the subscriber (serve) nothing awaits:
      // concurrent requests cannot all pass the bound.
      try {
        hub.assertRoom(key);
      } catch (error) {
        reply.header('retry-after', 5);
        throw error;
      }

      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, {
        ...headersFor(request.url),
        'x-request-id': request.id,
        'content-type': 'text/event-stream; charset=utf-8',
        connection: 'keep-alive',
        // nginx and similar proxies pass the events on at once rather than buffering them.
        'x-accel-buffering': 'no',
      });
      response.write(': connected\nretry: 1000\n\n');
      const subscriber = new Subscriber(
        response,
        key,
        after ?? { tx: 0n, id: 0n },
        { types, orderId },
        config.streamBufferBytes,
      );
      void hub.serve(subscriber, after === undefined);
      return undefined as never;
    },
  } satisfies Pick<Handlers, 'streamEvents'>;
}
