// A test's way into the service: the app built on a fresh database, driven
// through app.inject (or, with CONTRACT_PROXY=prism, over HTTP through
// Prism: see transport.ts), with every response held to the contract.
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '../../src/app.js';
import type { DatabaseHandle } from '../../src/db/client.js';
import { assertMatchesContract } from './contract.js';
import { freshDatabase } from './database.js';
import { transportFor } from './transport.js';

const JSON_HEADERS = { 'content-type': 'application/json' };

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  /** Parsed JSON for JSON media types, text otherwise. */
  body: any;
  text: string;
}

export interface Api {
  app: FastifyInstance;
  database: DatabaseHandle;
  request(options: InjectOptions): Promise<ApiResponse>;
  get(url: string): Promise<ApiResponse>;
  /** Sends `body` as JSON. */
  post(url: string, body: unknown): Promise<ApiResponse>;
  /** Sends `body` as JSON. */
  put(url: string, body: unknown): Promise<ApiResponse>;
  delete(url: string): Promise<ApiResponse>;
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
    return { status: response.statusCode, headers: response.headers, body: json ? JSON.parse(response.body) : response.body, text: response.body };
  }
  return {
    app,
    database,
    request,
    get: (url) => request({ method: 'GET', url }),
    post: (url, body) => request({ method: 'POST', url, headers: JSON_HEADERS, payload: JSON.stringify(body) }),
    put: (url, body) => request({ method: 'PUT', url, headers: JSON_HEADERS, payload: JSON.stringify(body) }),
    delete: (url) => request({ method: 'DELETE', url }),
  };
}

/** The service on a fresh database, closed when the test `t` ends. */
export async function buildTestApi(t: { teardown(fn: () => Promise<void>): void }): Promise<Api> {
  const database = await freshDatabase(t);
  const app = await buildApp({ database });
  t.teardown(() => app.close());
  return apiFor(app, database);
}
