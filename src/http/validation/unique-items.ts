// `uniqueItems` in linear time. Ajv compares every pair of items that are
// objects (or whose schema is a $ref): with `allErrors` it does so even when
// `maxItems` has already failed, so a 64 KiB body of 4,756 service refs cost
// a second of blocked event loop. This keyword is not checked at all on an
// array over its `maxItems` (that error says enough); otherwise it keys each
// item by its canonical JSON (object keys sorted, so equal means what ajv's
// deep equality means) and reports the same pair, with the same message,
// that ajv would.
import type { Ajv, AnySchemaObject, ErrorObject } from 'ajv';

// Deeper than this, an item is taken as unlike every other rather than
// followed down (a 64 KiB body nests 30,000 deep, past the stack). No schema
// in the spec has unique items that may nest more than a level or two, so
// such an item fails its schema anyway.
const MAX_DEPTH = 64;

function canonical(value: unknown, depth = 0): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  if (Array.isArray(value)) {
    const items = value.map((item) => canonical(item, depth + 1));
    return items.includes(undefined) ? undefined : `[${items.join(',')}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length > 1) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const members = entries.map(([k, v]) => {
      const item = canonical(v, depth + 1);
      return item === undefined ? undefined : `${JSON.stringify(k)}:${item}`;
    });
    return members.includes(undefined) ? undefined : `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

type Validate = ((schema: boolean, data: unknown[], parentSchema?: AnySchemaObject) => boolean) & {
  errors?: Partial<ErrorObject>[];
};

const uniqueItems: Validate = (schema, data, parentSchema) => {
  if (!schema || data.length < 2 || data.length > (parentSchema?.maxItems ?? Infinity)) return true;
  // Ajv reports the last item that repeats an earlier one (i) and the latest earlier one it repeats (j).
  const lastIndexOf = new Map<string, number>();
  let duplicate: { i: number; j: number } | undefined;
  data.forEach((item, i) => {
    const key = canonical(item);
    if (key === undefined) return;
    const j = lastIndexOf.get(key);
    if (j !== undefined) duplicate = { i, j };
    lastIndexOf.set(key, i);
  });
  if (!duplicate) return true;
  const { i, j } = duplicate;
  uniqueItems.errors = [
    {
      keyword: 'uniqueItems',
      params: { i, j },
      message: `must NOT have duplicate items (items ## ${j} and ${i} are identical)`,
    },
  ];
  return false;
};

export function useLinearUniqueItems(ajv: Ajv): void {
  ajv.removeKeyword('uniqueItems');
  ajv.addKeyword({ keyword: 'uniqueItems', type: 'array', schemaType: 'boolean', errors: true, validate: uniqueItems });
}
