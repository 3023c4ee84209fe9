// A position in the event feed: the (tx, id) of an event, as opaque text.
// Every event's `id` is its position, so an event id is also a cursor: the
// feed after it (`after=<id>`, or Last-Event-ID on the stream) is what
// followed it. The feed's start, before any event, is (0, 0).
//
// Read strictly, like the other cursors: only text this service could have
// given out is a position; anything else is a 400 naming the parameter.
import { InvalidInputError } from '../domain/errors.js';

export interface Position {
  /** The writing transaction's id (xid8). */
  tx: bigint;
  id: bigint;
}

export const FEED_START: Position = { tx: 0n, id: 0n };

const PREFIX = 'ev1.';
const TEXT = /^ev1\.(0|[1-9]\d{0,19})\.(0|[1-9]\d{0,18})$/;
const MAX_TX = 2n ** 64n - 1n;
const MAX_ID = 2n ** 63n - 1n;

export function encodePosition({ tx, id }: Position): string {
  return Buffer.from(`${PREFIX}${tx}.${id}`).toString('base64url');
}

/** The position `text` names, or undefined when it is not one this service gives out. */
export function parsePosition(text: string): Position | undefined {
  const match = TEXT.exec(Buffer.from(text, 'base64url').toString());
  if (!match) return undefined;
  const position = { tx: BigInt(match[1]!), id: BigInt(match[2]!) };
  if (position.tx > MAX_TX || position.id > MAX_ID) return undefined;
  // The round trip: base64url decoding skips stray characters and bits.
  return encodePosition(position) === text ? position : undefined;
}

/** The position `text` names; a 400 naming `parameter` otherwise. */
export function decodePosition(text: string, parameter: { in: 'query' | 'header'; pointer: string }): Position {
  const position = parsePosition(text);
  if (!position) {
    throw new InvalidInputError([
      { ...parameter, detail: 'is not an event id or cursor this service gave out; pass it unchanged' },
    ]);
  }
  return position;
}

/** Negative, zero or positive as `a` comes before, at or after `b` in the feed. */
export function comparePositions(a: Position, b: Position): number {
  if (a.tx !== b.tx) return a.tx < b.tx ? -1 : 1;
  return a.id === b.id ? 0 : a.id < b.id ? -1 : 1;
}
