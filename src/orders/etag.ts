// Strong ETags for orders and the If-Match / If-None-Match checks. The tag
// is a digest of the order exactly as the API shows it, so it changes
// whenever anything a client can see changes (a renamed service included)
// and two equal representations share it.
import { createHash } from 'node:crypto';
import type { Schemas } from '../http/types.js';

export function etagOf(order: Schemas['Order']): string {
  return `"${createHash('sha256').update(JSON.stringify(order)).digest('base64url').slice(0, 27)}"`;
}

/** The entity tags of an If-Match / If-None-Match value ("*" stays "*"). */
function tagsOf(header: string): string[] {
  return header
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);
}

/** If-Match (RFC 9110 §13.1.1): strong comparison, so a weak tag never matches. */
export function ifMatchHolds(header: string | undefined, current: string): boolean {
  if (header === undefined) return true;
  return tagsOf(header).some((tag) => tag === '*' || tag === current);
}

/** If-None-Match (§13.1.2): weak comparison; true when the client's copy is current. */
export function ifNoneMatchHits(header: string | undefined, current: string): boolean {
  if (header === undefined) return false;
  return tagsOf(header).some((tag) => tag === '*' || tag.replace(/^W\//, '') === current);
}
