// Holds every response a test sees to the contract: the status must be one
// the spec declares for that operation, the body must match the schema for
// that status and media type, and declared headers must be present. A
// response that breaks the spec fails the test that received it.
import { createAjv } from '../../src/http/validation/ajv.js';
import { deref, document, escapePointer, type Header, operations, pathPattern, type Response } from './spec.js';

/** The spec as src/ types it; test/helpers/spec.ts has it typed for walking. */
export const spec = document;
const ajv = createAjv();
ajv.addSchema(spec as object, 'spec');

// A path parameter may be empty: Fastify routes /services/ to
// /services/{serviceId} with an empty id (a malformed id, so a 400).
const templates = [...new Set(operations.map((op) => op.path))].map((path) => ({
  path,
  regex: pathPattern(path, { emptyParameters: true }),
}));

export interface Observed {
  method: string;
  url: string;
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

function validateSchema(pointer: string, value: unknown, where: string): void {
  const validate = ajv.getSchema(`spec#${pointer}`);
  if (!validate) throw new Error(`contract: no schema at ${pointer}`);
  if (!validate(value)) {
    throw new Error(
      `contract: ${where} does not match ${pointer}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value)}`,
    );
  }
}

function mediaType(headers: Record<string, unknown>): string {
  return String(headers['content-type'] ?? '')
    .split(';')[0]!
    .trim();
}

function checkProblem(observed: Observed, where: string): void {
  if (mediaType(observed.headers) !== 'application/problem+json') {
    throw new Error(`contract: ${where} is not application/problem+json`);
  }
  const body = JSON.parse(observed.body) as { status?: number };
  validateSchema('/components/schemas/Problem', body, where);
  if (body.status !== observed.status) throw new Error(`contract: ${where} has status ${body.status} in its body`);
}

export function assertMatchesContract(observed: Observed): void {
  const { method, status } = observed;
  const path = observed.url.split('?')[0]!;
  const where = `${method} ${path} → ${status}`;
  const template = templates.find((t) => t.regex.test(path));
  const operation = operations.find((op) => op.path === template?.path && op.method === method.toUpperCase());

  if (method === 'HEAD') return; // no body to check; the GET it mirrors is checked
  if (!operation) {
    // Not an operation of the spec: an unknown route (404) or a known path
    // with an unsupported method (405, which must say what is allowed).
    if (status === 405 && !observed.headers.allow) throw new Error(`contract: ${where} lacks an Allow header`);
    if (status !== 404 && status !== 405) throw new Error(`contract: ${where} is not an operation of the spec`);
    checkProblem(observed, where);
    return;
  }
  if (!(String(status) in operation.operation.responses))
    throw new Error(`contract: ${where} is not a declared response`);
  const { pointer, node: response } = deref<Response>(`${operation.pointer}/responses/${status}`);

  for (const name of Object.keys(response.headers ?? {})) {
    const header = deref<Header>(`${pointer}/headers/${escapePointer(name)}`);
    const value = observed.headers[name.toLowerCase()];
    if (value === undefined) {
      if (header.node.required) throw new Error(`contract: ${where} lacks header ${name}`);
      continue;
    }
    const { schema } = header.node;
    validateSchema(
      `${header.pointer}/schema`,
      schema.type === 'integer' ? Number(value) : value,
      `${where} header ${name}`,
    );
  }
  const { content } = response;
  if (!content) {
    if (observed.body !== '') throw new Error(`contract: ${where} must have no body`);
    return;
  }
  const type = mediaType(observed.headers);
  if (!(type in content))
    throw new Error(`contract: ${where} has media type "${type}", not one of ${Object.keys(content)}`);
  const schemaPointer = `${pointer}/content/${escapePointer(type)}/schema`;
  const value = type.endsWith('json') ? JSON.parse(observed.body) : observed.body;
  validateSchema(schemaPointer, value, where);
  if (type === 'application/problem+json') checkProblem(observed, where);
}

/**
 * For answers given before any route is chosen (408 and 431 from Node's
 * HTTP parser), which no operation declares: a problem+json all the same.
 */
export function assertIsProblem(observed: Observed): void {
  checkProblem(observed, `${observed.method} ${observed.url} → ${observed.status}`);
}
