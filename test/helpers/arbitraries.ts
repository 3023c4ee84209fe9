// fast-check generators driven by the spec: values that a JSON Schema (as
// OpenAPI 3.0 writes it) accepts, and requests for any operation of the
// spec, valid or broken in one of the ways a careless or hostile client
// breaks them. Nothing here names an operation: a new operation in the
// spec is fuzzed as soon as it is added.
import fc, { type Arbitrary } from 'fast-check';
import { resolve, type Schema } from './spec.js';

const FIRST = Date.parse('0001-01-01T00:00:00Z');
const LAST = Date.parse('9999-12-31T23:59:59.999Z');

/** An RFC 3339 date-time with an offset, mostly near our time so that orders meet the 3-hour rule. */
const dateTime = fc
  .tuple(
    fc.oneof(
      fc.integer({ min: Date.UTC(2030, 0, 1), max: Date.UTC(2031, 0, 1) }),
      fc.integer({ min: FIRST + 86_400_000, max: LAST - 86_400_000 }),
    ),
    fc.constantFrom('Z', '+00:00', '+05:30', '-08:00'),
  )
  .map(([ms, offset]) => {
    const minutes =
      offset === 'Z' ? 0 : (offset[0] === '-' ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4)));
    return new Date(ms + minutes * 60_000).toISOString().replace('Z', offset);
  });

function stringFor(schema: Schema): Arbitrary<string> {
  if (schema.format === 'date-time') return dateTime;
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 40;
  const base = schema.pattern
    ? fc.stringMatching(new RegExp(schema.pattern))
    : fc.string({ minLength: min, maxLength: max });
  return base.filter((s) => s.length >= min && s.length <= max);
}

function numberFor(schema: Schema): Arbitrary<number> {
  const min = schema.minimum ?? -1e9;
  const max = schema.maximum ?? 1e9;
  if (schema.type === 'integer') return fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
  if (schema.multipleOf) {
    const steps = 1 / schema.multipleOf; // e.g. 100 for 0.01: k / 100 is the double nearest the decimal
    return fc.integer({ min: Math.ceil(min * steps), max: Math.floor(max * steps) }).map((k) => k / steps);
  }
  return fc.double({ min, max, noNaN: true });
}

/** Values `schema` accepts. */
export function valueFor(raw: Schema): Arbitrary<unknown> {
  const schema = resolve(raw);
  const value = ((): Arbitrary<unknown> => {
    if (schema.enum) return fc.constantFrom(...schema.enum);
    switch (schema.type) {
      case 'string':
        return stringFor(schema);
      case 'number':
      case 'integer':
        return numberFor(schema);
      case 'boolean':
        return fc.boolean();
      case 'array': {
        const options = { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 5) };
        const items = valueFor(schema.items ?? {});
        return schema.uniqueItems
          ? fc.uniqueArray(items, { ...options, selector: (v) => JSON.stringify(v) })
          : fc.array(items, options);
      }
      case 'object': {
        const properties = Object.fromEntries(
          Object.entries(schema.properties ?? {}).map(([k, s]) => [k, valueFor(s)]),
        );
        return fc.record(properties, { requiredKeys: schema.required ?? [] });
      }
      default:
        return fc.jsonValue();
    }
  })();
  return schema.nullable ? fc.option(value, { nil: null }) : value;
}

/** Values of the wrong kind for anything: other types, huge and tiny numbers, odd strings. */
export const junk: Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(
    1e308,
    -1e308,
    2 ** 63,
    -0,
    0.1 + 0.2,
    '',
    ' ',
    '0',
    '-1',
    '1e309',
    'NaN',
    'null',
    '007',
    "'; drop table orders; --",
    'a\u0000b',
    '\ud800',
  ),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
);
