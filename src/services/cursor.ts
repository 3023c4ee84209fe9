// The opaque `cursor` of GET /services: the id of the last service on a page,
// base64url-encoded. Anything that does not decode to an id this service
// could have given out is a 400, never a query.
import { InvalidInputError } from '../domain/errors.js';

const PREFIX = 'service:';
const ID = /^(0|[1-9]\d{0,17})$/;

export const encodeServiceCursor = (lastId: bigint): string => Buffer.from(`${PREFIX}${lastId}`).toString('base64url');

export function decodeServiceCursor(cursor: string): bigint {
  const text = Buffer.from(cursor, 'base64url').toString();
  const id = text.startsWith(PREFIX) ? text.slice(PREFIX.length) : '';
  // Also the round trip: base64url decoding ignores stray characters.
  if (!ID.test(id) || encodeServiceCursor(BigInt(id)) !== cursor) {
    throw new InvalidInputError([
      { in: 'query', pointer: '#/cursor', detail: 'is not a cursor this service gave out; pass nextCursor unchanged' },
    ]);
  }
  return BigInt(id);
}
