// Requests over a real socket (fetch) to a listening service, with every
// response held to the contract, as app.inject responses are in api.ts.

import { assertMatchesContract } from './contract.js';
import { type ApiResponse, received, type Untyped } from './response.js';

export interface Sent {
  method?: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Sends one request; `Body` is what the test expects the response body to hold (see response.ts). */
export async function sendChecked<Body = Untyped>(
  baseUrl: string,
  { method = 'GET', path, body, headers = {} }: Sent,
): Promise<ApiResponse<Body>> {
  const response = await fetch(baseUrl + path, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const responseHeaders = Object.fromEntries(response.headers);
  assertMatchesContract({ method, url: path, status: response.status, headers: responseHeaders, body: text });
  return received(response.status, responseHeaders, text);
}
