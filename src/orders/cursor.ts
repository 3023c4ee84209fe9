// The opaque `cursor` of GET /orders: where the next page starts (the
// datetime and id of the last order on a page) and the `from` / `to`
// filters of the first page, base64url-encoded, so that a client that
// sends only the cursor keeps paging through the same range. Clients must
// treat it as opaque text.
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

const CURSOR = /^(-?\d{1,15}):(\d{1,18}):(-?\d{1,15})?:(-?\d{1,15})?$/;

export function decodeCursor(cursor: string): Cursor {
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString());
  const [datetime, from, to] = [match?.[1], match?.[3], match?.[4]].map((ms) =>
    ms === undefined ? undefined : new Date(Number(ms)),
  );
  if (!match || !datetime || [datetime, from, to].some((d) => d && Number.isNaN(d.getTime()))) {
    throw new InvalidInputError([
      { in: 'query', pointer: '#/cursor', detail: 'is not a cursor this service gave out; pass nextCursor unchanged' },
    ]);
  }
  return { after: { datetime, id: BigInt(match[2]!) }, from, to };
}
