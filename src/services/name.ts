// What a service name must be beyond its schema (which can only say "not
// blank" in a way every schema tool reads alike): something a person can see,
// without control characters or bidirectional controls that would hide or
// reorder what is shown. Both regexes are linear (no nested quantifiers), so a
// 64 KiB name costs microseconds.
import { InvalidInputError } from '../domain/errors.js';

const INVISIBLE = String.raw`\p{White_Space}\p{C}\p{M}\p{Default_Ignorable_Code_Point}\u2800`;
/** A letter, digit, punctuation mark or symbol (U+2800, the blank Braille pattern, is a symbol that shows nothing). */
const VISIBLE = new RegExp(`[^${INVISIBLE}]`, 'u');
/** C0 and C1 controls, line and paragraph separators, and U+061C, U+200E/F, U+202A–E, U+2066–9. */
const FORBIDDEN = /[\p{Cc}\p{Bidi_Control}\u2028\u2029]/u;

/** Throws a 400-worthy error naming `#/name` when `name` cannot be shown as it is. */
export function assertShowableName(name: string): void {
  const detail = FORBIDDEN.test(name)
    ? 'must not contain control characters or bidirectional controls'
    : VISIBLE.test(name)
      ? undefined
      : 'must contain a visible character (not only spaces, marks or invisible characters)';
  if (detail) throw new InvalidInputError([{ in: 'body', pointer: '#/name', detail }]);
}
