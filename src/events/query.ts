// The query parameters shared by GET /events and GET /events/stream, read
// into a FeedQuery. The schema has refused what it can say; a malformed
// cursor is a 400 naming it (src/events/position.ts).
import type { FeedQuery } from './feed.js';
import { decodePosition } from './position.js';
import type { EventType } from './types.js';

export interface FeedParameters {
  after?: string | undefined;
  types?: string | undefined;
  orderId?: string | undefined;
}

/** The types named; the schema has checked that each is one of EVENT_TYPES. */
export function parseTypes(text: string | undefined): EventType[] | undefined {
  return text === undefined ? undefined : ([...new Set(text.split(','))] as EventType[]);
}

export function feedQuery(query: FeedParameters, limit: number): FeedQuery {
  return {
    after: query.after === undefined ? undefined : decodePosition(query.after, { in: 'query', pointer: '#/after' }),
    limit,
    types: parseTypes(query.types),
    orderId: query.orderId === undefined ? undefined : BigInt(query.orderId),
  };
}
