// The JSON Schema validator the service and its contract tests share: the
// spec's schemas mean exactly the same thing in both places.
import { Ajv, type Options } from 'ajv';
import ajvFormats from 'ajv-formats';
import { isDateTime } from '../../domain/datetime.js';
import { useLinearUniqueItems } from './unique-items.js';

/**
 * `multipleOf` as a person reads it: 0.07 is a multiple of 0.01. Ajv's
 * default divides floats (0.07 / 0.01 = 7.000000000000001) and rejects it;
 * its tolerance option accepts 0.01000001. A number is a multiple of a
 * decimal step 1/n exactly when it is the double nearest to a multiple,
 * i.e. when rounding it to that step gives it back.
 */
// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = ajvFormats.default;

function isMultipleOf(step: number, value: number): boolean {
  const inverse = 1 / step;
  if (Number.isInteger(inverse)) return Math.round(value * inverse) / inverse === value;
  return Number.isInteger(value / step);
}

export function createAjv(options: Pick<Options, 'coerceTypes'> = {}): Ajv {
  const ajv = new Ajv({
    ...options,
    allErrors: true, // report every failing field, not the first
    removeAdditional: false, // an unknown property is an error, not dropped
    useDefaults: true,
    strict: false, // the spec's schemas carry OpenAPI keywords such as `example`
  });
  addFormats(ajv);
  // Stricter than ajv-formats, which accepts a space for `T`, `+0530`, leap
  // seconds and impossible dates.
  ajv.addFormat('date-time', isDateTime);
  ajv.removeKeyword('multipleOf');
  ajv.addKeyword({
    keyword: 'multipleOf',
    type: 'number',
    schemaType: 'number',
    validate: isMultipleOf,
    error: { message: ({ schema }) => `must be a multiple of ${schema}` },
  });
  useLinearUniqueItems(ajv);
  return ajv;
}
