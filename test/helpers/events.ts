// Reading the event feed in tests: everything after a cursor, following
// nextCursor while hasMore says more is ready.
import type { Api, Schemas } from './api.js';

export type Event = Schemas['Event'];

export interface Drained {
  events: Event[];
  /** The nextCursor of the last page read. */
  cursor: string;
}

/** Every event after `after` (the feed's start when undefined), page by page, with `query` added to each request. */
export async function drain(api: Api, after?: string, query = ''): Promise<Drained> {
  const events: Event[] = [];
  let cursor = after;
  for (;;) {
    const params = new URLSearchParams(query);
    if (cursor !== undefined) params.set('after', cursor);
    params.set('limit', params.get('limit') ?? '200');
    const res = await api.get<Schemas['EventPage']>(`/events?${params}`);
    if (res.status !== 200) throw new Error(`GET /events answered ${res.status}: ${res.text}`);
    events.push(...res.body.data);
    cursor = res.body.nextCursor;
    if (!res.body.hasMore) return { events, cursor };
  }
}

/** The feed's current end: the cursor after every event handed out so far. */
export async function feedEnd(api: Api): Promise<string> {
  return (await drain(api)).cursor;
}

/** Waits until the feed after `after` holds at least `count` events (or the deadline passes); returns what it holds. */
export async function waitForEvents(api: Api, after: string, count: number, timeoutMs = 30_000): Promise<Event[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { events } = await drain(api, after);
    if (events.length >= count || Date.now() > deadline) return events;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
