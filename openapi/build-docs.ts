// Renders the contract as one self-contained Redoc page, build/docs.html,
// served at GET /docs. `--inlineBundle` puts Redoc's script in the page (the
// default output loads it from a CDN); the rest makes the page request
// nothing outside the service's origin:
// - telemetry off, or the page sends traces to otel.cloud.redocly.com;
// - the "powered by" logos from cdn.redoc.ly become an empty data: URL,
//   which Redoc hides, as it does when the logo fails to load;
// - an empty favicon, or the browser asks for /favicon.ico.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { DOCS_PATH, SPEC_PATH } from '../src/contract/spec.js';

const REDOC_LOGOS = /https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(-full)?\.svg/g;
const redocly = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');
const raw = `${DOCS_PATH}.tmp`;

mkdirSync(dirname(DOCS_PATH), { recursive: true });
execFileSync(process.execPath, [redocly, 'build-docs', SPEC_PATH, '--inlineBundle', '--output', raw], {
  env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  stdio: ['ignore', 'ignore', 'pipe'], // stderr is shown only if the build fails
});
const html = readFileSync(raw, 'utf8')
  .replace(REDOC_LOGOS, 'data:,')
  .replace('<head>', '<head>\n  <link rel="icon" href="data:,">');
if (html.includes('cdn.redoc.ly') || !html.includes('rel="icon"')) {
  throw new Error('build-docs: the Redoc output changed shape; check the patches in openapi/build-docs.ts');
}
writeFileSync(DOCS_PATH, html);
rmSync(raw);
console.log(`docs: ${DOCS_PATH} (${Math.round(html.length / 1024)} KiB)`);
