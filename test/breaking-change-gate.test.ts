// The breaking-change gate catches a deliberately broken copy of the spec,
// lets additive changes through, and lets breaking ones through only with a
// new major version. Each case changes a fresh copy of the working spec.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { stringify } from 'yaml';
import { gate, type Spec } from '../openapi/breaking-changes.js';
import { loadSpec } from '../src/contract/spec.js';

// biome-ignore lint/suspicious/noExplicitAny: a walker over parsed YAML/JSON of any shape
type Node = Record<string, any>;
const released = loadSpec() as unknown as Spec;
const changed = (change: (spec: Node) => void): Spec => {
  const copy = structuredClone(released) as Node;
  change(copy);
  return copy as Spec;
};
const schemas = (spec: Node) => spec.components.schemas;
const version = released.info.version;
const [major, minor] = version.split('.').map(Number) as [number, number];
const nextMajor = `${major + 1}.0.0`;
const nextMinor = `${major}.${minor + 1}.0`;
const escaped = (text: string) => text.replaceAll('.', '\\.');

const breaking: [string, (spec: Node) => void, RegExp][] = [
  ['a removed path', (s) => delete s.paths['/services/{serviceId}'], /paths\.\/services\/\{serviceId\}/],
  ['a removed operation', (s) => delete s.paths['/orders/{orderId}'].delete, /\/orders\/\{orderId\}\.delete/],
  [
    'a removed response field',
    (s) => {
      delete schemas(s).Order.properties.updatedAt;
      schemas(s).Order.required = schemas(s).Order.required.filter((name: string) => name !== 'updatedAt');
    },
    /responses\.200\..*updatedAt/,
  ],
  [
    'a new required request field',
    (s) => {
      schemas(s).OrderInput.properties.customer = { type: 'string' };
      schemas(s).OrderInput.required.push('customer');
    },
    /requestBody\..*customer/,
  ],
  ['a narrowed request type', (s) => (schemas(s).TotalFeeInput.type = 'integer'), /requestBody\..*totalfee\.type/],
  [
    'a request string restricted to an enum',
    (s) => (schemas(s).ServiceInput.properties.name.enum = ['Inspection']),
    /requestBody\..*name\.enum/,
  ],
  [
    'a narrowed query bound',
    (s) => (s.components.parameters.Limit.schema.maximum = 100),
    /\/orders\.get\.parameters\.0\.schema\.maximum/,
  ],
  [
    'a newly required query parameter',
    (s) => (s.components.parameters.Cursor.required = true),
    /\/orders\.get\.parameters\.1\.required/,
  ],
  [
    'a changed success status',
    (s) => {
      const responses = s.paths['/orders'].post.responses;
      responses['200'] = responses['201'];
      delete responses['201'];
    },
    /\/orders\.post\.responses\.201/,
  ],
  [
    'a removed response header',
    (s) => delete s.paths['/orders'].post.responses['201'].headers,
    /responses\.201\.headers/,
  ],
  [
    'authentication required where there was none',
    (s) => (s.paths['/healthz'].get.security = [{ bearerAuth: [] }]),
    /\/healthz\.get\.security/,
  ],
  [
    'a second credential required beside the first',
    (s) => {
      s.components.securitySchemes.signature = { type: 'apiKey', in: 'header', name: 'X-Signature' };
      s.security = [{ bearerAuth: [], signature: [] }];
    },
    /^security\.0\.signature/,
  ],
];

for (const [name, change, where] of breaking) {
  t.test(`${name} is caught`, async (t) => {
    const verdict = gate(released, changed(change));
    t.equal(verdict.ok, false);
    t.match(verdict.message, new RegExp(`without a new major version: bump info\\.version to ${escaped(nextMajor)}`));
    t.ok(
      verdict.breaking.some((c) => where.test(c.where)),
      `names the change (${where})`,
    );
  });
}

t.test('a request enum that loses a value is caught; one that gains a value passes', async (t) => {
  const withLimits = (...limits: number[]) => changed((s) => (s.components.parameters.Limit.schema.enum = limits));
  const narrowed = gate(withLimits(10, 50, 200), withLimits(10, 50));
  t.equal(narrowed.ok, false);
  t.ok(narrowed.breaking.some((c) => /\/orders\.get\.parameters\.0\.schema\.enum/.test(c.where)));
  t.same(gate(withLimits(10, 50), withLimits(10, 50, 200)).breaking, []);
});

t.test('additive changes pass', async (t) => {
  const verdict = gate(
    released,
    changed((s) => {
      s.info.version = nextMinor;
      s.paths['/orders/{orderId}/history'] = {
        get: {
          operationId: 'getOrderHistory',
          responses: {
            '200': { description: 'History.', content: { 'application/json': { schema: { type: 'object' } } } },
          },
        },
      };
      s.paths['/orders/{orderId}'].get.parameters.push({
        name: 'X-Trace',
        in: 'header',
        required: false,
        schema: { type: 'string' },
      });
      s.paths['/orders'].get.parameters.push({
        name: 'service',
        in: 'query',
        required: false,
        schema: { type: 'string' },
      });
      s.paths['/services/{serviceId}'].put.responses['412'] = s.paths['/orders/{orderId}'].put.responses['412'];
      s.paths['/services/{serviceId}'].get.responses['200'].headers = {
        ETag: { required: true, schema: { type: 'string' } },
      };
      schemas(s).OrderInput.properties.note = { type: 'string' };
      schemas(s).ServiceInput.properties.name.maxLength = 200;
      s.components.securitySchemes.signature = { type: 'apiKey', in: 'header', name: 'X-Signature' };
      s.security = [...s.security, { signature: [] }]; // an alternative credential relaxes
    }),
  );
  t.same(verdict.breaking, []);
  t.equal(verdict.ok, true);
});

t.test('a response header that becomes required passes; one that stops being required is caught', async (t) => {
  const optionalLocation = changed((s) => delete s.components.headers.Location.required);
  t.same(gate(optionalLocation, released).breaking, []);
  const verdict = gate(released, optionalLocation);
  t.equal(verdict.ok, false);
  t.ok(verdict.breaking.some((c) => /responses\.201\.headers\.Location\.required/.test(c.where)));
});

t.test('the unchanged spec passes', async (t) => {
  t.same(gate(released, released), { ok: true, breaking: [], message: `no breaking change since ${version}` });
});

t.test('a breaking change passes with a new major version', async (t) => {
  const verdict = gate(
    released,
    changed((s) => {
      s.info.version = nextMajor;
      s.paths['/healthz'].get.security = [{ bearerAuth: [] }];
    }),
  );
  t.equal(verdict.ok, true);
  t.equal(verdict.breaking.length, 1);
  t.match(verdict.message, new RegExp(`allowed by the new major version ${escaped(nextMajor)}`));
});

t.test('a lower major version or a version that is not semver fails', async (t) => {
  const next = changed((s) => (s.info.version = nextMajor));
  t.equal(gate(next, released).ok, false);
  t.throws(
    () =>
      gate(
        released,
        changed((s) => (s.info.version = 'v1')),
      ),
    /not a semantic version/,
  );
});

t.test('npm run contract:diff exits 1 on a broken copy and names the change, 0 on the spec', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'contract-diff-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const broken = join(dir, 'openapi.yaml');
  writeFileSync(broken, stringify(changed((s) => delete s.paths['/orders/{orderId}'].delete)));
  const run = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import=tsx', 'openapi/check-breaking.ts', ...args]).then(
      (out) => ({ code: 0, stdout: out.stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );
  const failed = await run(broken);
  t.equal(failed.code, 1);
  t.match(failed.stdout, /breaking: \[Removed\] operation DELETE \/orders\/\{orderId\}/);
  t.match(failed.stdout, /contract:diff FAILED/);
  const passed = await run();
  t.equal(passed.code, 0);
  // The working spec against the last released contract: either no breaking
  // change, or breaking changes that a new major version allows.
  t.match(
    passed.stdout,
    /contract:diff ok: (no breaking change since|\d+ breaking changes?, allowed by the new major version)/,
  );
});
