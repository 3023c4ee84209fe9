// Serves the contract: the spec as JSON and YAML, and the Redoc page.
import { readFile } from 'node:fs/promises';
import type { FastifyReply } from 'fastify';
import type { Handlers } from '../http/types.js';
import { DOCS_PATH } from './spec.js';

export interface ServedSpec {
  json(): Record<string, unknown>;
  yaml(): string;
}

export function createContractHandlers(spec: ServedSpec, docsPath = DOCS_PATH) {
  let docs: Promise<string> | undefined;
  return {
    async getOpenApiJson() {
      return spec.json();
    },

    async getOpenApiYaml(_request, reply: FastifyReply) {
      reply.type('application/yaml; charset=utf-8');
      return spec.yaml();
    },

    async getDocs(_request, reply: FastifyReply) {
      // Read on first use, then served from memory; a failed read is retried next time.
      docs ??= readFile(docsPath, 'utf8').catch((error: unknown) => {
        docs = undefined;
        throw error;
      });
      reply.type('text/html; charset=utf-8');
      return docs;
    },
  } satisfies Pick<Handlers, 'getOpenApiJson' | 'getOpenApiYaml' | 'getDocs'>;
}
