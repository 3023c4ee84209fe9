// Runs after `npm ci` / `npm install` (postinstall). postgres.js 3.4.9, the
// latest release, crashes the whole process when a connection closes while
// a small write waits for setImmediate (it calls socket.write on null, in a
// timer, where nothing can catch it), and a connection torn down with a
// write pending never flushes again after it reconnects: its queries hang.
// Both happen when PostgreSQL goes away under load: the fault test
// test/database-outage.test.ts crashed this way in 1 of 8 runs without the
// patch, and in none of 11 with it.
// Upstream: porsager/postgres#1154, #1208 (open), fix proposed in #1209.
// This applies that fix to the installed copy; remove it once a release
// has it (the version check below makes an upgrade fail loudly here).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const MARKER = '/* patched by order-service scripts/patch-postgres.mjs */';
const PATCHED_VERSION = '3.4.9';

// The package exports no package.json; its CommonJS entry is cjs/src/index.js.
const root = join(dirname(createRequire(import.meta.url).resolve('postgres')), '..', '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
if (version !== PATCHED_VERSION) {
  throw new Error(
    `scripts/patch-postgres.mjs patches postgres ${PATCHED_VERSION}, found ${version}: ` +
      'check whether it fixes porsager/postgres#1208, then update or remove the patch',
  );
}

const REPLACEMENTS = [
  // A write that waited for setImmediate on a connection that has closed
  // since: reject its queries (they are retried or answered 503) instead of
  // throwing from the timer.
  [
    '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)',
    `  function nextWrite(fn) {\n    ${MARKER}\n    if (!socket) {\n      chunk = nextWriteTimer = null\n` +
      "      error(Errors.connection('CONNECTION_CLOSED', options))\n      return false\n    }\n    const x = socket.write(chunk, fn)",
  ],
  // Teardown (terminate, closed) must also forget the pending write, or the
  // reconnected connection never schedules another flush.
  ['    clearImmediate(nextWriteTimer)\n', '    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n'],
];

for (const file of ['src/connection.js', 'cjs/src/connection.js', 'cf/src/connection.js']) {
  const path = join(root, file);
  let text = readFileSync(path, 'utf8');
  if (text.includes(MARKER)) continue;
  for (const [from, to] of REPLACEMENTS) {
    const count = text.split(from).length - 1;
    if (count === 0) throw new Error(`scripts/patch-postgres.mjs: ${file} no longer contains the code it patches`);
    text = text.replaceAll(from, to);
  }
  writeFileSync(path, text);
}
