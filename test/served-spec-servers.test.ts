// The served spec names the service that served it, whatever its PORT: its
// `servers` entry, resolved against where the document was fetched from (as
// OpenAPI 3.0 says a relative URL is), is this service. (The Redoc page shows
// the same: test/docs-browser.test.ts.)
import t from 'tap';
import { parse } from 'yaml';
import { startService } from './helpers/server.js';

const service = await startService(t);

t.test('the service listens on a port other than 3000', async (t) => {
  t.not(new URL(service.directUrl).port, '3000');
});

for (const [path, read] of [
  ['/openapi.json', (text: string) => JSON.parse(text)],
  ['/openapi.yaml', (text: string) => parse(text)],
] as const) {
  t.test(`${path} names this service as its server`, async (t) => {
    const documentUrl = `${service.directUrl}${path}`;
    const response = await service.fetch(documentUrl);
    t.equal(response.status, 200);
    const { servers } = read(await response.text()) as { servers: { url: string }[] };
    t.ok(servers.length > 0, 'it names a server');
    for (const server of servers) {
      t.equal(new URL(server.url, documentUrl).origin, service.directUrl, `${server.url} resolves to this service`);
    }
  });
}
