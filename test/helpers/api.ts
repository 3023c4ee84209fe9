// A test's way into the service: the app built on a fresh database, driven
// through app.inject (or, with CONTRACT_PROXY=prism, over HTTP through
// Prism: see transport.ts), with every response held to the contract.
import type { FastifyInstance, InjectOptions } from 'fastify';
import { type AppOptions, buildApp } from '../../src/app.js';
import type { DatabaseHandle } from '../../src/db/client.js';
import { assertMatchesContract } from './contract.js';
import { freshDatabase } from './database.js';
import { transportFor } from './transport.js';

const JSON_HEADERS = { 'content-type': 'application/json' };
const MERGE_PATCH_HEADERS = { 'content-type': 'application/merge-patch+json' };

type Headers = Record<string, string>;

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  /** Parsed JSON for JSON media types, text otherwise. */
  // biome-ignore lint/suspicious/noExplicitAny: bodies of every operation; tests read them per response
  body: any;
  text: string;
}

export interface Api {
  app: FastifyInstance;
  database: DatabaseHandle;
  request(options: InjectOptions): Promise<ApiResponse>;
  get(url: string, headers?: Headers): Promise<ApiResponse>;
  /** Sends `body` as JSON. */
  post(url: string, body: unknown, headers?: Headers): Promise<ApiResponse>;
  /** Sends `body` as JSON. */
  put(url: string, body: unknown, headers?: Headers): Promise<ApiResponse>;
  /** Sends `body` as a JSON Merge Patch. */
  patch(url: string, body: unknown, headers?: Headers): Promise<ApiResponse>;
  delete(url: string, headers?: Headers): Promise<ApiResponse>;
}

export async function apiFor(app: FastifyInstance, database: DatabaseHandle): Promise<Api> {
  const transport = await transportFor(app);
  async function request(options: InjectOptions): Promise<ApiResponse> {
    const response = await transport(options);
    const observed = {
      method: String(options.method ?? 'GET').toUpperCase(),
      url: String(options.url),
      status: response.statusCode,
      headers: response.headers,
      body: response.body,
    };
    assertMatchesContract(observed);
    const json = /json/.test(String(response.headers['content-type'] ?? '')) && response.body !== '';
    return {
      status: response.statusCode,
      headers: response.headers,
      body: json ? JSON.parse(response.body) : response.body,
      text: response.body,
    };
  }
  return {
    app,
    database,
    request,
    get: (url, headers = {}) => request({ method: 'GET', url, headers }),
    post: (url, body, headers = {}) =>
      request({ method: 'POST', url, headers: { ...JSON_HEADERS, ...headers }, payload: JSON.stringify(body) }),
    put: (url, body, headers = {}) =>
      request({ method: 'PUT', url, headers: { ...JSON_HEADERS, ...headers }, payload: JSON.stringify(body) }),
    patch: (url, body, headers = {}) =>
      request({ method: 'PATCH', url, headers: { ...MERGE_PATCH_HEADERS, ...headers }, payload: JSON.stringify(body) }),
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
