// Renders the contract as one self-contained Redoc page, build/docs.html,
// served at GET /docs. `--inlineBundle` puts Redoc's script in the page (the
// default output loads it from a CDN); the rest makes the page request
// nothing outside the service's origin:
// - telemetry off, or the page sends traces to otel.cloud.redocly.com;
// - the "powered by" logos from cdn.redoc.ly become an empty data: URL,
//   which Redoc hides, as it does when the logo fails to load;
// - an empty favicon, or the browser asks for /favicon.ico;
// - Redoc's probe for a search worker built with Function() (eval) answers
//   "no": /docs is served with a Content-Security-Policy that forbids eval
//   (src/contract/docs-page.ts), so the probe could only fail, as a reported
//   violation; Redoc then searches on the page's own thread, as it would.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { DOCS_PATH, SPEC_PATH } from '../src/contract/spec.js';

const REDOC_LOGOS = /https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(-full)?\.svg/g;
const SEARCH_WORKER_PROBE = /try\{return [\w$]+\._factory\?\?=Function\([\w$]+\),!0\}catch\{return!1\}/g;
const redocly = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');
// Two starts at once from one checkout must not share the file being built.
const raw = `${DOCS_PATH}.${process.pid}.tmp`;

mkdirSync(dirname(DOCS_PATH), { recursive: true });
execFileSync(process.execPath, [redocly, 'build-docs', SPEC_PATH, '--inlineBundle', '--output', raw], {
  env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  stdio: ['ignore', 'ignore', 'pipe'], // stderr is shown only if the build fails
});
const redoc = readFileSync(raw, 'utf8');
const probes = redoc.match(SEARCH_WORKER_PROBE)?.length ?? 0;
const html = redoc
  .replace(REDOC_LOGOS, 'data:,')
  .replace(SEARCH_WORKER_PROBE, 'return!1')
  .replace('<head>', '<head>\n  <link rel="icon" href="data:,">');
// What the markup itself would load from elsewhere: nothing. (Redoc's script
// still holds other addresses as strings, such as an icon CDN and the
// telemetry endpoint, that this page never requests: test/docs-browser
// opens it in Chromium and fails on any request outside the service.)
const LOADED_FROM_ELSEWHERE = /<(script|link|img|iframe|source)\b[^>]*\b(src|href)=["']?(https?:)?\/\//i;
const shapeChanged = probes !== 1;
if (html.includes('cdn.redoc.ly') || LOADED_FROM_ELSEWHERE.test(html) || !html.includes('rel="icon"') || shapeChanged) {
  throw new Error('build-docs: the Redoc output changed shape; check the patches in openapi/build-docs.ts');
}
// Renamed into place, so that a service starting meanwhile reads a whole page.
writeFileSync(raw, html);
renameSync(raw, DOCS_PATH);
console.log(`docs: ${DOCS_PATH} (${Math.round(html.length / 1024)} KiB)`);
