// A consumer's first command, run exactly as docs/consumers.md gives it, in
// the repository: `npx openapi-typescript openapi/openapi.yaml`. It finds the
// root redocly.yaml by itself, which must be one it accepts (the strict lint
// rules live in openapi/redocly.lint.yaml, named by `npm run lint:spec`).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

t.test('npx openapi-typescript openapi/openapi.yaml prints the types', async (t) => {
  const { stdout } = await promisify(execFile)('npx', ['openapi-typescript', 'openapi/openapi.yaml'], {
    cwd: ROOT,
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, _TAPJS_PROCESSINFO_COVERAGE_: '0' },
  });
  t.match(stdout, 'export interface paths {');
  t.match(stdout, '"/orders/{orderId}": {');
});
