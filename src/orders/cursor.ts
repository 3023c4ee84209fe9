// The opaque `cursor` of GET /orders: the (datetime, id) of the last order
// on a page, base64url-encoded. Clients must treat it as opaque text.
import { InvalidInputError } from '../domain/errors.js';

export interface Position {
  datetime: Date;
  id: bigint;
}

export function encodeCursor({ datetime, id }: Position): string {
  return Buffer.from(`${datetime.getTime()}:${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): Position {
  const match = /^(-?\d{1,15}):(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString());
  const datetime = match ? new Date(Number(match[1])) : undefined;
  if (!match || !datetime || Number.isNaN(datetime.getTime())) {
    throw new InvalidInputError([
      { in: 'query', pointer: '#/cursor', detail: 'is not a cursor this service gave out; pass nextCursor unchanged' },
    ]);
  }
  return { datetime, id: BigInt(match[2]!) };
}
