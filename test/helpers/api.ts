// A test's way into the service: the app built on a fresh database, driven
// through app.inject (or, with CONTRACT_PROXY=prism, over HTTP through
// Prism: see transport.ts), with every response held to the contract.
// Each method takes the body type the test expects, from the generated
// types: `await api.post<Schemas['Order']>('/orders', anOrder())`.
import type { FastifyInstance, InjectOptions } from 'fastify';
import { type AppOptions, buildApp } from '../../src/app.js';
import type { DatabaseHandle } from '../../src/db/client.js';
import { assertMatchesContract } from './contract.js';
import { freshDatabase } from './database.js';
import type { ApiResponse, Untyped } from './response.js';
import { transportFor } from './transport.js';

export type { ApiResponse, ResponseBody, Schemas } from './response.js';

const JSON_HEADERS = { 'content-type': 'application/json' };
const MERGE_PATCH_HEADERS = { 'content-type': 'application/merge-patch+json' };

type Headers = Record<string, string>;

export interface Api {
  app: FastifyInstance;
  database: DatabaseHandle;
  request<Body = Untyped>(options: InjectOptions): Promise<ApiResponse<Body>>;
  get<Body = Untyped>(url: string, headers?: Headers): Promise<ApiResponse<Body>>;
  /** Sends `body` as JSON. */
  post<Body = Untyped>(url: string, body: unknown, headers?: Headers): Promise<ApiResponse<Body>>;
  /** Sends `body` as JSON. */
  put<Body = Untyped>(url: string, body: unknown, headers?: Headers): Promise<ApiResponse<Body>>;
  /** Sends `body` as a JSON Merge Patch. */
  patch<Body = Untyped>(url: string, body: unknown, headers?: Headers): Promise<ApiResponse<Body>>;
  delete<Body = Untyped>(url: string, headers?: Headers): Promise<ApiResponse<Body>>;
}

export async function apiFor(app: FastifyInstance, database: DatabaseHandle): Promise<Api> {
  const transport = await transportFor(app);
  // The type argument is the test's word for what the body holds; the
  // contract check below is what holds the body to the spec.
  async function request<Body>(options: InjectOptions): Promise<ApiResponse<Body>> {
    const response = await transport(options);
    assertMatchesContract({
      method: String(options.method ?? 'GET').toUpperCase(),
      url: String(options.url),
      status: response.status,
      headers: response.headers,
      body: response.text,
    });
    return response;
  }
  const withBody = (method: 'POST' | 'PUT' | 'PATCH', url: string, body: unknown, headers: Headers) =>
    ({
      method,
      url,
      headers: { ...(method === 'PATCH' ? MERGE_PATCH_HEADERS : JSON_HEADERS), ...headers },
      payload: JSON.stringify(body),
    }) satisfies InjectOptions;
  return {
    app,
    database,
    request,
    get: (url, headers = {}) => request({ method: 'GET', url, headers }),
    post: (url, body, headers = {}) => request(withBody('POST', url, body, headers)),
    put: (url, body, headers = {}) => request(withBody('PUT', url, body, headers)),
    patch: (url, body, headers = {}) => request(withBody('PATCH', url, body, headers)),
    delete: (url, headers = {}) => request({ method: 'DELETE', url, headers }),
  };
}

/** The service on a fresh database, closed when the test `t` ends. */
export async function buildTestApi(
  t: { teardown(fn: () => Promise<void>): void },
  options: Omit<AppOptions, 'database'> = {},
): Promise<Api> {
  const database = await freshDatabase(t);
  const app = await buildApp({ database, ...options });
  t.teardown(() => app.close());
  return apiFor(app, database);
}
