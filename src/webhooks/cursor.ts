// The opaque `cursor` of the webhook lists: the id of the last item on a
// page, base64url-encoded with the list's name. Anything else is a 400.
import { InvalidInputError } from '../domain/errors.js';

const ID = /^(0|[1-9]\d{0,17})$/;

export const encodeListCursor = (list: string, lastId: bigint | string): string =>
  Buffer.from(`${list}:${lastId}`).toString('base64url');

export function decodeListCursor(list: string, cursor: string): bigint {
  const text = Buffer.from(cursor, 'base64url').toString();
  const id = text.startsWith(`${list}:`) ? text.slice(list.length + 1) : '';
  if (!ID.test(id) || encodeListCursor(list, id) !== cursor) {
    throw new InvalidInputError([
      { in: 'query', pointer: '#/cursor', detail: 'is not a cursor this service gave out; pass nextCursor unchanged' },
    ]);
  }
  return BigInt(id);
}
