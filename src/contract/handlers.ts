// Serves the contract: the spec as JSON and YAML, the Redoc page, and the
// pages that problem types lead to.
import type { FastifyReply } from 'fastify';
import { NotFoundError } from '../domain/errors.js';
import type { Handlers, RequestOf } from '../http/types.js';
import { type DocsPage, readDocsPage } from './docs-page.js';
import { PROBLEM_PAGE_CSP, problemPage, problemTypesOf } from './problem-pages.js';
import { DOCS_PATH, type OpenApiDocument } from './spec.js';

export interface ServedSpec {
  json(): Record<string, unknown>;
  yaml(): string;
}

export function createContractHandlers(spec: ServedSpec, docsPath = DOCS_PATH) {
  let docs: Promise<DocsPage> | undefined;
  let problemPages: Map<string, string> | undefined;
  const pageOf = (name: string) => {
    problemPages ??= new Map(
      [...problemTypesOf(spec.json() as OpenApiDocument)].map(([key, type]) => [key, problemPage(type)]),
    );
    return problemPages.get(name);
  };
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
      docs ??= readDocsPage(docsPath).catch((error: unknown) => {
        docs = undefined;
        throw error;
      });
      const { html, csp } = await docs;
      reply.type('text/html; charset=utf-8').header('content-security-policy', csp);
      return html;
    },

    async getProblemType(request: RequestOf<'getProblemType'>, reply: FastifyReply) {
      const page = pageOf(request.params.problemType);
      if (page === undefined) throw new NotFoundError('Problem type', request.params.problemType);
      reply.type('text/html; charset=utf-8').header('content-security-policy', PROBLEM_PAGE_CSP);
      return page;
    },
  } satisfies Pick<Handlers, 'getOpenApiJson' | 'getOpenApiYaml' | 'getDocs' | 'getProblemType'>;
}
