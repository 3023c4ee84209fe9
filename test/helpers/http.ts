// Sends one request over a real TCP connection, byte for byte as given: no
// Content-Type is added, the body is sent as is. The response is the one
// every helper gives (response.ts), so the same assertions apply to all.
import { request as httpRequest } from 'node:http';
import { type ApiResponse, received } from './response.js';

export interface RawRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** Bytes as given: a Buffer may hold what is not valid UTF-8. */
  payload?: string | Buffer;
}

export function send(baseUrl: string, { method, url, headers = {}, payload }: RawRequest): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const body = payload === undefined ? undefined : Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
    const req = httpRequest(new URL(url, baseUrl), {
      method,
      headers: body ? { ...headers, 'content-length': String(body.length) } : headers,
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => resolve(received(res.statusCode!, res.headers, Buffer.concat(chunks).toString('utf8'))));
    });
    req.end(body);
  });
}
