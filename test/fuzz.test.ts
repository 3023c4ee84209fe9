// Property-based fuzzing from the spec: thousands of requests across every
// operation the spec declares (read from it, so new operations are covered
// without touching this file), half of them valid and half broken in one
// part. Whatever arrives: never a 5xx, and every response valid against the
// spec (apiFor checks each one). A request that follows every schema is
// never refused as invalid, except for the rules a schema cannot say.
import fc from 'fast-check';
import t from 'tap';
import { buildTestApi, type Schemas } from './helpers/api.js';
import { answeringOperations, anyRequest, type SpecRequest } from './helpers/spec-requests.js';

const RUNS = 2400;
// Valid by the schemas, refused all the same: a cursor this service never
// gave out, `to` before `from`, and a webhook URL that is no http(s) URL with a host.
const RULES_BEYOND_SCHEMA = new Set(['#/cursor', '#/to', '#/after', '#/url']);

const api = await buildTestApi(t);
const describe = (r: SpecRequest) =>
  `${r.valid ? 'valid' : 'broken'} ${r.method} ${r.url} ${JSON.stringify(r.headers)} ${r.payload ?? ''}`;

t.test(
  `${RUNS} generated requests across all ${answeringOperations.length} operations that end: no 5xx, every response per the spec`,
  async (t) => {
    const sent = new Map<string, number>();
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(anyRequest, async (request) => {
        sent.set(request.operation, (sent.get(request.operation) ?? 0) + 1);
        const res = await api.request({
          method: request.method as 'GET',
          url: request.url,
          headers: request.headers,
          payload: request.payload,
        });
        if (res.status >= 500) throw new Error(`${res.status} for ${describe(request)}: ${res.text}`);
        if (request.valid && res.status === 400) {
          const refused = (res.body as Schemas['ValidationProblem']).errors.map((e) => e.pointer);
          if (!refused.every((p) => RULES_BEYOND_SCHEMA.has(p)))
            throw new Error(`400 for ${describe(request)}: ${res.text}`);
        }
      }),
      { numRuns: RUNS },
    );
    t.equal(
      [...sent.values()].reduce((a, b) => a + b, 0),
      RUNS,
    );
    for (const op of answeringOperations) t.ok((sent.get(op.id) ?? 0) >= 50, `${op.id}: ${sent.get(op.id)} requests`);
    t.ok(Date.now() - started < 120_000, `within two minutes (${Date.now() - started} ms)`);
  },
);
