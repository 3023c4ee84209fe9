// The contract, read once from openapi/openapi.yaml: the same document
// drives routing and validation (fastify-openapi-glue), is served at
// /openapi.json (@fastify/swagger) and, verbatim, at /openapi.yaml, and is
// rendered at /docs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const SPEC_PATH = fileURLToPath(new URL('../../openapi/openapi.yaml', import.meta.url));
/** Built from the spec by `npm run docs` (openapi/build-docs.ts). */
export const DOCS_PATH = fileURLToPath(new URL('../../build/docs.html', import.meta.url));

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { operationId?: string } & Record<string, unknown>>>;
  components: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

/** The spec file as written, comments and quoting included. */
export function readSpecText(): string {
  return readFileSync(SPEC_PATH, 'utf8');
}

export function loadSpec(text = readSpecText()): OpenApiDocument {
  return parse(text) as OpenApiDocument;
}
