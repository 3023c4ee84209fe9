// The handlers of the event operations: the feed (GET /events).
import type { Database } from '../db/client.js';
import type { Handlers } from '../http/types.js';
import { readEvents } from './feed.js';
import { encodePosition } from './position.js';
import { feedQuery } from './query.js';

export function createEventHandlers(db: Database) {
  return {
    async listEvents(request) {
      const page = await readEvents(db, feedQuery(request.query, request.query.limit ?? 50));
      return { data: page.events, nextCursor: encodePosition(page.next), hasMore: page.hasMore };
    },
  } satisfies Pick<Handlers, 'listEvents'>;
}
