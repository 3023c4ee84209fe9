// Text PostgreSQL cannot store as it was sent: U+0000 (PostgreSQL rejects
// it in text, so the insert failed and the client got a 500) and unpaired
// UTF-16 surrogates such as "\ud800" (stored silently as U+FFFD). A body
// that passes its schema is also checked for these, and refused with a 400
// naming the field.
import type { ErrorObject } from 'ajv';

// In a /u regex, a surrogate pair is one code point: \p{Cs} matches only unpaired halves.
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what PostgreSQL text cannot hold
const UNSTORABLE = /[\u0000\p{Cs}]/u;

function* unstorable(value: unknown, path: string): Generator<ErrorObject> {
  if (typeof value === 'string') {
    if (UNSTORABLE.test(value)) {
      yield {
        instancePath: path,
        keyword: 'storableText',
        schemaPath: '#',
        params: {},
        message: 'must not contain U+0000 or unpaired surrogates',
      };
    }
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value))
      yield* unstorable(item, `${path}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`);
  }
}

export type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** `validate`, and then no unstorable text anywhere in the value. */
export function withStorableText(validate: Validate): Validate {
  const checked: Validate = (data) => {
    if (!validate(data)) {
      checked.errors = validate.errors;
      return false;
    }
    const errors = [...unstorable(data, '')];
    checked.errors = errors.length > 0 ? errors : null;
    return errors.length === 0;
  };
  return checked;
}
