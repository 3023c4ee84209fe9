// Stoplight Prism as an independent judge of the contract: a validation proxy
// (`prism proxy openapi/openapi.yaml <service> --errors`) in front of a
// running service. A response that breaks the spec comes back with an
// `sl-violations` header (and, for errors, as Prism's own 500), and fails
// the test that received it.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { type OpenApiDocument, SPEC_PATH } from '../../src/contract/spec.js';
import type { RawRequest } from './http.js';
import type { ApiResponse } from './response.js';
import { asSpec, document, operationsOf, pathPattern, type SecurityScheme, type Spec } from './spec.js';

const PRISM = createRequire(import.meta.url).resolve('@stoplight/prism-cli/dist/index.js');
/** Prism needs a few seconds to start, far more on two busy cores. */
const START_TIMEOUT_MS = 120_000;

export interface Prism {
  url: string;
  stop(): void;
}

/** Starts Prism on a free port in front of `upstream`. */
export function startPrism(upstream: string): Promise<Prism> {
  const child = spawn(
    process.execPath,
    [
      PRISM,
      'proxy',
      SPEC_PATH,
      upstream,
      '--errors',
      '--validate-request=false',
      '--cors=false',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`prism did not start in ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    function fail(error: Error) {
      clearTimeout(timer);
      child.kill();
      reject(new Error(`${error.message}\n${log.slice(-2000)}`));
    }
    child.on('exit', (code) => fail(new Error(`prism exited with ${code}`)));
    child.stderr.on('data', (chunk: Buffer) => (log += chunk));
    child.stdout.on('data', (chunk: Buffer) => {
      // Keep reading (a full pipe would stall Prism), but keep only the start.
      if (log.length < 100_000) log += chunk;
      const port = /Prism is listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(log)?.[1];
      if (!port) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ url: `http://127.0.0.1:${port}`, stop: () => child.kill() });
    });
  });
}

/** Throws when Prism flagged the response, or answered itself instead of forwarding it. */
export function assertPrismPassed(where: string, response: Pick<ApiResponse, 'headers' | 'text'>): void {
  const violations = response.headers['sl-violations'];
  if (violations) throw new Error(`prism: ${where} breaks the contract: ${violations}\n${response.text}`);
  // The service sets x-request-id on every response; Prism's own answers
  // (unknown route, unparsable body) have none and validated nothing.
  if (!response.headers['x-request-id'])
    throw new Error(`prism: ${where} was answered by Prism, not the service: ${response.text}`);
}

/** The request header a security scheme reads its credential from. */
const credentialHeader = (scheme: SecurityScheme | undefined) =>
  (scheme?.type === 'apiKey' && scheme.in === 'header' ? scheme.name! : 'authorization').toLowerCase();

function operationsFor(spec: Spec) {
  const schemes = spec.components.securitySchemes ?? {};
  return operationsOf(spec).map(({ path, method, security }) => ({
    regex: pathPattern(path),
    method,
    // Each requirement lists the credentials that together satisfy it;
    // an empty one (`security: []` or `- {}`) means none are needed.
    security: security.map((requirement) => Object.keys(requirement).map((name) => credentialHeader(schemes[name]))),
  }));
}

/**
 * Whether Prism passes a request on to the service unchanged. Prism
 * answers itself for a route or method the spec lacks (404, 405, and HEAD,
 * which OpenAPI cannot declare), for a body it cannot parse, and (even with
 * --validate-request=false) with a 401 for a request without the
 * credentials the operation's `security` requires or with a malformed
 * Authorization header. And it re-serialises
 * JSON bodies: whitespace padding (the 64 KiB test), a `__proto__` key or a
 * bare JSON scalar would reach the service changed. Those requests go to
 * the service directly (their responses are still held to the contract by
 * the project's own check); all others go through Prism.
 */
export function prismRouting(document: OpenApiDocument): (request: RawRequest) => boolean {
  const operations = operationsFor(asSpec(document));
  return ({ method, url, headers = {}, payload }) => {
    const path = url.split('?')[0]!;
    const operation = operations.find((op) => op.regex.test(path) && op.method === method.toUpperCase());
    if (!operation) return false;
    const sent = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
    const { security } = operation;
    if (security.length > 0 && !security.some((needs) => needs.every((header) => sent.has(header)))) return false;
    // Prism also answers 401 itself for an Authorization header that is not
    // exactly "Bearer <token>" (another scheme, lower-case "bearer", no token).
    const authorization = Object.entries(headers).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
    if (security.length > 0 && authorization !== undefined && !/^Bearer \S+$/.test(authorization)) return false;
    // Prism's own server answers 431 to headers Node would take (the service allows 16 KiB).
    if (Object.entries(headers).reduce((size, [name, value]) => size + name.length + String(value).length, 0) > 8192) {
      return false;
    }
    if (payload === undefined || payload === '') return true;
    // Raw bytes (e.g. not UTF-8) are exactly what Prism would re-encode.
    if (typeof payload !== 'string') return false;
    try {
      const parsed: unknown = JSON.parse(payload);
      return (
        typeof parsed === 'object' &&
        parsed !== null &&
        JSON.stringify(parsed) === payload &&
        !/"(__proto__|constructor)"\s*:/.test(payload)
      );
    } catch {
      return false;
    }
  };
}

export const prismForwardsUnchanged = prismRouting(document);
