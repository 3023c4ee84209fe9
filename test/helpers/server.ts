// The service as consumers meet it: listening on a free local port (not
// app.inject), on a fresh database, closed when the test ends. `fetch`
// holds every response to the contract, as test/helpers/api.ts does; with
// CONTRACT_PROXY=prism, `url` is a Prism proxy in front of the service and
// Prism judges every response too.
import { buildApp } from '../../src/app.js';
import { assertMatchesContract } from './contract.js';
import { freshDatabase } from './database.js';
import { assertPrismPassed, startPrism } from './prism.js';

export interface RunningService {
  /** Where clients send requests: the service, or Prism in front of it. */
  url: string;
  /** The service itself, for a browser that must see the service's own origin. */
  directUrl: string;
  /** fetch, failing on any response that breaks the contract. */
  fetch: typeof fetch;
}

/** A write key the service accepts: consumers call it with a key, as in production. */
export const CLIENT_TOKEN = 'consumer-team-write-key-0001';

export async function startService(t: { teardown(fn: () => unknown): void }): Promise<RunningService> {
  const database = await freshDatabase(t);
  const app = await buildApp({ database, apiKeys: [{ token: CLIENT_TOKEN, scope: 'write' }] });
  t.teardown(() => app.close());
  const directUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  const prism = process.env.CONTRACT_PROXY === 'prism' ? await startPrism(directUrl) : undefined;
  if (prism) t.teardown(prism.stop);

  const checkedFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const response = await fetch(request);
    const url = new URL(request.url);
    const observed = {
      method: request.method,
      url: url.pathname + url.search,
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body: await response.clone().text(),
    };
    if (prism)
      assertPrismPassed(`${observed.method} ${observed.url} → ${observed.status}`, {
        ...observed,
        text: observed.body,
      });
    assertMatchesContract(observed);
    return response;
  };
  return { url: prism?.url ?? directUrl, directUrl, fetch: checkedFetch };
}
