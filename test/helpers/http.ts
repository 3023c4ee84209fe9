// Sends one request over a real TCP connection, byte for byte as given: no
// Content-Type is added, the body is sent as is. The response has the shape
// app.inject gives, so the same assertions apply to both.
import { request as httpRequest } from 'node:http';

export interface RawRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** Bytes as given: a Buffer may hold what is not valid UTF-8. */
  payload?: string | Buffer;
}

export interface RawResponse {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

export function send(baseUrl: string, { method, url, headers = {}, payload }: RawRequest): Promise<RawResponse> {
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
      res.on('end', () =>
        resolve({ statusCode: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.end(body);
  });
}
