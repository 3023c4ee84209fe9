// CI's breaking-change gate (`npm run contract:diff`): compares the working
// spec with the newest released contract, openapi/released/openapi-<N>.yaml,
// prints every breaking change and exits 1 unless the gate allows them.
// Arguments (for tests): [working spec] [released directory].
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { gate, type Spec } from './breaking-changes.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const [workingPath = join(here, 'openapi.yaml'), releasedDir = join(here, 'released')] = process.argv.slice(2);

const majors = readdirSync(releasedDir)
  .map((name) => /^openapi-(\d+)\.yaml$/.exec(name)?.[1])
  .filter((major): major is string => major !== undefined)
  .map(Number);
if (majors.length === 0) throw new Error(`no openapi-<major>.yaml in ${releasedDir}`);
const releasedPath = join(releasedDir, `openapi-${Math.max(...majors)}.yaml`);

const read = (path: string) => parse(readFileSync(path, 'utf8')) as Spec;
const verdict = gate(read(releasedPath), read(workingPath));

for (const change of verdict.breaking) console.log(`  breaking: ${change.what} (${change.where})`);
console.log(
  `contract:diff ${verdict.ok ? 'ok' : 'FAILED'}: ${verdict.message} (against ${relative(process.cwd(), releasedPath)})`,
);
process.exitCode = verdict.ok ? 0 : 1;
