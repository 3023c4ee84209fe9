// The opaque `cursor` of GET /orders: where the next page starts (the
// datetime and id of the last order on a page) and the `from` / `to`
// filters of the first page, base64url-encoded, so that a client that
// sends only the cursor keeps paging through the same range. Clients must
// treat it as opaque text.
//
// A cursor is not signed (no key to configure and share between processes),
// so it is read strictly instead: only text that this service could have
// given out is a cursor. Anything else, however it decodes, is a 400 before
// it reaches the database: an instant PostgreSQL cannot hold would be a 500.
import { isInstantInRange } from '../domain/datetime.js';
import { InvalidInputError } from '../domain/errors.js';

export interface Cursor {
  /** Rows strictly after (datetime, id). */
  after: { datetime: Date; id: bigint };
  from?: Date | undefined;
  to?: Date | undefined;
}

const instant = (date: Date | undefined) => (date === undefined ? '' : String(date.getTime()));

export function encodeCursor({ after, from, to }: Cursor): string {
  return Buffer.from(`${after.datetime.getTime()}:${after.id}:${instant(from)}:${instant(to)}`).toString('base64url');
}

const CURSOR = /^(-?\d{1,15}):(\d{1,19}):(-?\d{1,15})?:(-?\d{1,15})?$/;
const MAX_ID = 2n ** 63n - 1n;

function refused(): InvalidInputError {
  return new InvalidInputError([
    { in: 'query', pointer: '#/cursor', detail: 'is not a cursor this service gave out; pass nextCursor unchanged' },
  ]);
}

/** What the text of a cursor says, if its parts are in range; not yet known to be canonical. */
function parse(text: string): Cursor | undefined {
  const match = CURSOR.exec(text);
  if (!match) return undefined;
  const [, at, id, from, to] = match;
  const instants = [at, from, to].map((ms) => (ms === undefined ? undefined : Number(ms)));
  if (instants.some((ms) => ms !== undefined && !isInstantInRange(ms))) return undefined;
  const afterId = BigInt(id!);
  if (afterId < 1n || afterId > MAX_ID) return undefined;
  const [datetime, fromDate, toDate] = instants.map((ms) => (ms === undefined ? undefined : new Date(ms)));
  return { after: { datetime: datetime!, id: afterId }, from: fromDate, to: toDate };
}

/** The page's last order lies within the page's range, as on every page this service gives out. */
function isConsistent({ after, from, to }: Cursor): boolean {
  return (!from || after.datetime >= from) && (!to || after.datetime < to);
}

export function decodeCursor(text: string): Cursor {
  const cursor = parse(Buffer.from(text, 'base64url').toString());
  // Re-encoding must give back the very text: no padding, leading zeros,
  // "-0", stray bits or characters the decoder skipped.
  if (!cursor || encodeCursor(cursor) !== text || !isConsistent(cursor)) throw refused();
  return cursor;
}
