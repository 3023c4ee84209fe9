// How reads are spread over several replicas (DATABASE_READ_URL with more
// than one URL) and when they fall back to the primary, on stand-in
// databases: test/read-replicas.test.ts shows the same against a real hot
// standby, with one replica.
import t from 'tap';
import type { Database } from '../src/db/client.js';
import { readReplicas } from '../src/db/read-replicas.js';

/** A stand-in database that answers with its name, or fails as told. */
function stand(name: string) {
  const state = { name, failure: undefined as Error | undefined };
  return { state, db: state as unknown as Database };
}
const reads = (db: Database) => ({
  async whoAnswers() {
    const state = db as unknown as { name: string; failure?: Error };
    if (state.failure) throw state.failure;
    return state.name;
  },
});
const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

t.test('reads take the replicas in turn; a refused one sends its reads to the primary for a while', async (t) => {
  const primary = stand('primary');
  const [a, b] = [stand('a'), stand('b')];
  const downs: string[] = [];
  const routed = readReplicas(
    primary.db,
    [
      { url: 'postgres://u:secret@a/db', db: a.db },
      { url: 'postgres://u:secret@b/db', db: b.db },
    ],
    { retryMs: 200, onDown: (url) => downs.push(url) },
  ).route(reads);
  // One at a time: reads in flight together all pick before any failure is known (each then falls back).
  const four = async () => {
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) answers.push(await routed.whoAnswers());
    return answers;
  };

  t.same(await four(), ['a', 'b', 'a', 'b'], 'in turn');
  a.state.failure = refused();
  t.same(await four(), ['primary', 'b', 'b', 'b'], 'the failed read is answered by the primary, then b alone');
  t.same(downs, ['postgres://u:***@a/db'], 'told once, by its URL without the password');
  b.state.failure = refused();
  t.same(await four(), ['primary', 'primary', 'primary', 'primary'], 'both down: the primary');
  a.state.failure = undefined;
  b.state.failure = undefined;
  await new Promise((resolve) => setTimeout(resolve, 250));
  t.same((await four()).sort(), ['a', 'a', 'b', 'b'], 'after retryMs both are tried again');
});

t.test('an error that is the request’s, not the replica’s, is not retried on the primary', async (t) => {
  const primary = stand('primary');
  const replica = stand('replica');
  replica.state.failure = Object.assign(new Error('invalid input syntax'), { code: '22P02' });
  const routed = readReplicas(primary.db, [{ url: 'postgres://r/db', db: replica.db }], { retryMs: 1000 }).route(reads);
  await t.rejects(routed.whoAnswers(), { code: '22P02' });
});

t.test('without replicas every read is on the primary', async (t) => {
  const primary = stand('primary');
  t.equal(await readReplicas(primary.db, [], { retryMs: 1000 }).route(reads).whoAnswers(), 'primary');
});
