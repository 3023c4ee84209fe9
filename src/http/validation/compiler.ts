// Request validation from the spec's schemas. Bodies are never coerced
// ("100" is not 100); path, query and header values arrive as text and are
// coerced to the declared types. A failing request is answered with every
// failing input of every part (path, query, headers, body), not only the
// first part that Fastify happened to check.
import type { ErrorObject } from 'ajv';
import type { FastifyError, FastifyRequest, FastifySchemaCompiler } from 'fastify';
import type { InvalidInput } from '../../domain/errors.js';
import { createAjv } from './ajv.js';
import { type Validate, withStorableText } from './storable-text.js';

// In the order the errors are listed. `checked` is the order in which Fastify
// validates the parts, stopping at the first that fails; its
// `validationContext` names that part as `context`.
const PARTS = [
  { httpPart: 'params', context: 'params', checked: 0, in: 'path', value: (r: FastifyRequest) => r.params },
  { httpPart: 'querystring', context: 'querystring', checked: 2, in: 'query', value: (r: FastifyRequest) => r.query },
  { httpPart: 'headers', context: 'headers', checked: 3, in: 'header', value: (r: FastifyRequest) => r.headers },
  { httpPart: 'body', context: 'body', checked: 1, in: 'body', value: (r: FastifyRequest) => r.body },
] as const;

type Location = (typeof PARTS)[number]['in'];

interface HeaderSchema {
  properties?: Record<string, unknown>;
  required?: string[];
}

// Node lower-cases incoming header names; the spec names them canonically
// (Idempotency-Key). Fastify's own compiler adjusts header schemas, but a
// custom compiler receives them as written.
function lowerCaseHeaderNames(schema: HeaderSchema): HeaderSchema {
  return {
    ...schema,
    properties: Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    ...(schema.required && { required: schema.required.map((k) => k.toLowerCase()) }),
  };
}

const routeKey = (method: string, url: string, httpPart: string) => `${method} ${url} ${httpPart}`;

export interface RequestValidation {
  compiler: FastifySchemaCompiler<unknown>;
  /** Every failing input of a request that Fastify rejected with `error`. */
  errorsOf(request: FastifyRequest, error: Partial<FastifyError>): InvalidInput[];
}

/** One per app: it remembers each route's validators so that all parts can be checked. */
export function createRequestValidation(): RequestValidation {
  const bodyAjv = createAjv({ coerceTypes: false });
  const textAjv = createAjv({ coerceTypes: 'array' });
  const compiled = new Map<string, Validate>();

  return {
    compiler({ schema, method, url, httpPart }) {
      const validate =
        httpPart === 'body'
          ? withStorableText(bodyAjv.compile(schema as object))
          : textAjv.compile(httpPart === 'headers' ? lowerCaseHeaderNames(schema as HeaderSchema) : (schema as object));
      compiled.set(routeKey(method, url, httpPart ?? ''), validate);
      return validate;
    },

    errorsOf(request, error) {
      const { method, url } = request.routeOptions;
      const failed = PARTS.find((p) => p.context === error.validationContext);
      const seen = (error.validation ?? []) as ErrorObject[];
      // Not one of ours (e.g. a route added without the compiler): report what Fastify saw.
      if (!failed || !url) return seen.map((e) => describe(e, failed?.in ?? 'body'));
      const found: InvalidInput[] = [];
      for (const part of PARTS) {
        // The part Fastify rejected is not validated again (a large body would cost twice), nor
        // those it checked before, which passed; only the parts it never reached are.
        if (part === failed) found.push(...seen.map((e) => describe(e, part.in)));
        if (part.checked <= failed.checked) continue;
        const validate = compiled.get(routeKey(method as string, url, part.httpPart));
        if (validate && !validate(part.value(request))) {
          found.push(...(validate.errors ?? []).map((e) => describe(e, part.in)));
        }
      }
      return found;
    },
  };
}

function describe(error: ErrorObject, location: Location): InvalidInput {
  let path = error.instancePath;
  let detail = error.message ?? 'is invalid';
  if (error.keyword === 'required') {
    path += `/${error.params.missingProperty}`;
    detail = 'is required';
  } else if (error.keyword === 'additionalProperties') {
    path += `/${error.params.additionalProperty}`;
    detail = 'is not a known property';
  } else if (error.keyword === 'format' && error.params.format === 'date-time') {
    detail = 'must be an RFC 3339 date-time with an offset and a real date and time, e.g. 2022-11-01T11:11:11.111Z';
  }
  return { in: location, pointer: `#${path}`, detail };
}
