// Requests for every operation in the spec, read from the spec itself:
// parameters (path, query, header) and request bodies come from their
// schemas. A valid request follows every schema; an invalid one breaks
// exactly one part in one of the ways clients break requests.
import fc, { type Arbitrary } from 'fast-check';
import { junk, valueFor } from './arbitraries.js';
import { type Parameter, resolve, type Schema, operations as specOperations } from './spec.js';

export interface Operation {
  id: string;
  method: string;
  path: string;
  parameters: Parameter[];
  body?: { mediaType: string; schema: Schema };
}

export const operations: Operation[] = specOperations.map(({ id, method, path, parameters, operation }) => {
  const content = operation.requestBody && resolve(operation.requestBody).content;
  const mediaType = content && Object.keys(content)[0];
  return {
    id,
    method,
    path,
    parameters,
    body: mediaType ? { mediaType, schema: content[mediaType]!.schema } : undefined,
  };
});

export interface SpecRequest {
  operation: string;
  valid: boolean;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

interface Parts {
  path: Record<string, string>;
  query: Record<string, string>;
  header: Record<string, string>;
  body?: unknown;
  raw?: { payload: string; mediaType?: string };
}

// Ids of things that exist (the samples, the first server-assigned ids), so
// that valid requests reach records and not only 404s.
const knownId = fc.oneof(
  fc.constantFrom('123', '456', '789', '223', '224', '225'),
  fc.integer({ min: 1000, max: 1100 }).map(String),
);
const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

function validParts(op: Operation): Arbitrary<Parts> {
  const of = (where: Parameter['in']) =>
    fc.record(
      Object.fromEntries(
        op.parameters
          .filter((p) => p.in === where)
          .map((p) => {
            const value = valueFor(p.schema).map(text);
            // Only id parameters name records (not, say, /problems/{problemType}).
            if (where === 'path' && p.schema.$ref === '#/components/schemas/Id') {
              return [p.name, fc.oneof(knownId, value)];
            }
            return [p.name, p.required ? value : fc.option(value, { nil: undefined })];
          }),
      ),
    ) as Arbitrary<Record<string, string>>;
  return fc.record({
    path: of('path'),
    query: of('query'),
    header: of('header'),
    body: op.body ? valueFor(op.body.schema) : fc.constant(undefined),
  });
}

function breakOne(op: Operation, parts: Parts): Arbitrary<Parts> {
  const names = (where: Parameter['in']) => op.parameters.filter((p) => p.in === where).map((p) => p.name);
  const set = (where: 'path' | 'query' | 'header') =>
    fc
      .tuple(fc.constantFrom(...names(where)), junk)
      .map(([name, value]) => ({ ...parts, [where]: { ...parts[where], [name]: text(value) } }));
  const mutations: Arbitrary<Parts>[] = [
    fc
      .tuple(fc.string({ maxLength: 8 }), junk)
      .map(([k, v]) => ({ ...parts, query: { ...parts.query, [k]: text(v) } })),
  ];
  for (const where of ['path', 'query', 'header'] as const) if (names(where).length) mutations.push(set(where));
  const body = parts.body;
  if (op.body) {
    mutations.push(
      junk.map((value) => ({ ...parts, body: value })),
      fc.string({ unit: 'binary', maxLength: 60 }).map((payload) => ({ ...parts, raw: { payload } })),
      fc
        .constantFrom('text/plain', 'application/xml', 'application/x-www-form-urlencoded')
        .map((mediaType) => ({ ...parts, raw: { payload: JSON.stringify(body), mediaType } })),
      fc.constant({ ...parts, raw: { payload: '' } }),
    );
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      const keys = Object.keys(body);
      mutations.push(
        fc
          .tuple(fc.string({ minLength: 1, maxLength: 10 }), junk)
          .map(([k, v]) => ({ ...parts, body: { ...body, [k]: v } })),
      );
      if (keys.length) {
        mutations.push(
          fc
            .constantFrom(...keys)
            .map((k) => ({ ...parts, body: Object.fromEntries(Object.entries(body).filter(([key]) => key !== k)) })),
          fc.tuple(fc.constantFrom(...keys), junk).map(([k, v]) => ({ ...parts, body: { ...body, [k]: v } })),
        );
      }
    }
  }
  return fc.oneof(...mutations);
}

// What a client can put on the wire: a URL carries UTF-8 (a lone surrogate
// has none; bytes that are not UTF-8 are in hostile-input.test.ts), a header
// printable ASCII without spaces at either end (HTTP drops them from a field
// value: " " arrives as an empty key). They become "_", keeping the length.
const inUrl = (s: string) => encodeURIComponent(s.replace(/\p{Cs}/gu, '\uFFFD'));
const inHeader = (s: string) =>
  s.replace(/[^\x20-\x7e]/g, '?').replace(/^ +| +$/g, (spaces) => '_'.repeat(spaces.length));

function toRequest(op: Operation, parts: Parts, valid: boolean): SpecRequest {
  const path = op.path.replace(/{(\w+)}/g, (_, name: string) => inUrl(parts.path[name] ?? ''));
  const query = Object.entries(parts.query)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${inUrl(k)}=${inUrl(v)}`)
    .join('&');
  const headers: Record<string, string> = Object.fromEntries(
    Object.entries(parts.header)
      .filter((e): e is [string, string] => e[1] !== undefined)
      .map(([k, v]) => [k, inHeader(v)]),
  );
  let payload: string | undefined;
  if (parts.raw) {
    payload = parts.raw.payload;
    headers['content-type'] = parts.raw.mediaType ?? op.body!.mediaType;
  } else if (op.body) {
    payload = JSON.stringify(parts.body);
    headers['content-type'] = op.body.mediaType;
  }
  return { operation: op.id, valid, method: op.method, url: query ? `${path}?${query}` : path, headers, payload };
}

/** One request for `op`: valid, or broken in one part. */
export function requestFor(op: Operation): Arbitrary<SpecRequest> {
  return validParts(op).chain((parts) =>
    fc.oneof(
      fc.constant(toRequest(op, parts, true)),
      breakOne(op, parts).map((broken) => toRequest(op, broken, false)),
    ),
  );
}

/**
 * The operations that answer and end: an event stream (text/event-stream)
 * never ends by itself, so app.inject cannot await it; its requests are
 * tested over a real socket (test/events-stream.test.ts).
 */
export const answeringOperations = operations.filter((op) => op.id !== 'streamEvents');

export const anyRequest: Arbitrary<SpecRequest> = fc.constantFrom(...answeringOperations).chain(requestFor);
