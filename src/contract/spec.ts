// The contract, read once from openapi/openapi.yaml: the same document
// drives routing and validation (fastify-openapi-glue), is served at
// /openapi.json and /openapi.yaml (@fastify/swagger), and is rendered at /docs.
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

export function loadSpec(): OpenApiDocument {
  return parse(readFileSync(SPEC_PATH, 'utf8')) as OpenApiDocument;
}
