// Requests over a real socket (fetch) to a listening service, with every
// response held to the contract, as app.inject responses are in api.ts.

import type { ApiResponse } from './api.js';
import { assertMatchesContract } from './contract.js';

export interface Sent {
  method?: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function sendChecked(
  baseUrl: string,
  { method = 'GET', path, body, headers = {} }: Sent,
): Promise<ApiResponse> {
  const response = await fetch(baseUrl + path, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const responseHeaders = Object.fromEntries(response.headers);
  assertMatchesContract({ method, url: path, status: response.status, headers: responseHeaders, body: text });
  const json = /json/.test(responseHeaders['content-type'] ?? '') && text !== '';
  return { status: response.status, headers: responseHeaders, body: json ? JSON.parse(text) : text, text };
}
