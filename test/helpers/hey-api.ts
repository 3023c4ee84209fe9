// A second client, made at test time by a generator this project does not
// otherwise use (@hey-api/openapi-ts, with its zod plugin and the SDK's
// `validator: true`), the way a consumer team would make theirs from
// openapi/openapi.yaml. The output goes to a fresh temporary folder outside
// the project (never committed, not counted in coverage), removed after the
// test, and is loaded with import().
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createClient } from '@hey-api/openapi-ts';
import { SPEC_PATH } from '../../src/contract/spec.js';

const NODE_MODULES = fileURLToPath(new URL('../../node_modules', import.meta.url));

/** The result every generated SDK function resolves to (errors are not thrown). */
export interface SdkResult {
  // biome-ignore lint/suspicious/noExplicitAny: each generated SDK function has its own data type
  data?: any;
  // biome-ignore lint/suspicious/noExplicitAny: likewise its error type
  error?: any;
  response: Response;
}
export type SdkFunction = (options?: Record<string, unknown>) => Promise<SdkResult>;
export interface ZodSchema {
  parse(value: unknown): unknown;
}

export interface GeneratedClient {
  sdk: Record<string, SdkFunction>;
  zod: Record<string, ZodSchema>;
  /** The generated fetch client the SDK functions use by default. */
  client: { setConfig(config: { baseUrl: string; fetch: typeof fetch; headers?: Record<string, string> }): void };
}

export async function generateHeyApiClient(t: { teardown(fn: () => void): void }): Promise<GeneratedClient> {
  const root = mkdtempSync(join(tmpdir(), 'hey-api-client-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  // The generated code is ES modules importing zod: say so, and let it find the project's.
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  symlinkSync(NODE_MODULES, join(root, 'node_modules'), 'dir');
  const output = join(root, 'client');
  await createClient({
    // An absolute path: hey-api reads a relative "a/b.yaml" as a name in its
    // online registry.
    input: SPEC_PATH,
    output,
    logs: { level: 'silent' },
    plugins: ['@hey-api/client-fetch', 'zod', { name: '@hey-api/sdk', validator: true }],
  });
  const load = (file: string) => import(pathToFileURL(join(output, file)).href);
  const [sdk, zod, clientModule] = await Promise.all([load('sdk.gen.ts'), load('zod.gen.ts'), load('client.gen.ts')]);
  return { sdk, zod, client: clientModule.client };
}
