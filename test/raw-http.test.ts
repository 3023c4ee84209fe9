// HTTP as it arrives on a socket, where app.inject cannot go: bytes that are
// not HTTP (after requests pipelined before them, whose answers must not be
// lost), `Expect` headers, and methods Fastify does not route.
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { assertIsProblem, assertMatchesContract } from './helpers/contract.js';
import { freshDatabase } from './helpers/database.js';
import { anOrder } from './helpers/fixtures.js';
import { parseResponses, type RawResponse, rawConnection } from './helpers/raw-http.js';
import { sendChecked } from './helpers/socket.js';

const database = await freshDatabase(t);
const app: FastifyInstance = await buildApp({ database });
t.teardown(() => app.close());
const url = await app.listen({ port: 0, host: '127.0.0.1' });

/** How many final (not 1xx) answers `received` holds whole; -1 while one is still arriving. */
function finalAnswers(received: string): number {
  try {
    return parseResponses(received, 0).filter((r) => r.status >= 200).length;
  } catch {
    return -1;
  }
}

/** Writes `text` on a new connection; the responses once `finals` final answers have arrived whole, or the server closed it. */
async function exchange(text: string, finals = Infinity): Promise<RawResponse[]> {
  const connection = await rawConnection(url);
  connection.write(text);
  await connection.until((received) => finalAnswers(received) >= finals);
  const responses = parseResponses(connection.received(), 0);
  connection.end();
  return responses;
}

function post(body: string, headers = ''): string {
  const length = Buffer.byteLength(body);
  return `POST /orders HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n${headers}Content-Length: ${length}\r\n\r\n${body}`;
}

t.test('bytes that are not HTTP get a 400 problem and the connection is closed', async (t) => {
  const [res, ...more] = await exchange('garbage\r\n\r\n');
  t.equal(res!.status, 400);
  t.equal(res!.headers.connection, 'close');
  assertIsProblem({ method: 'GET', url: '/', ...res! });
  t.same(more, []);
});

t.test('a POST pipelined before bad bytes is answered 201 first, then the 400; the order is stored', async (t) => {
  const order = anOrder();
  const responses = await exchange(`${post(JSON.stringify(order))}garbage\r\n\r\n`);
  t.same(
    responses.map((r) => r.status),
    [201, 400],
  );
  const [created, refused] = responses as [RawResponse, RawResponse];
  assertMatchesContract({ method: 'POST', url: '/orders', ...created });
  assertIsProblem({ method: 'GET', url: '/', ...refused });
  const id = JSON.parse(created.body).id as string;
  const stored = await sendChecked(url, { path: `/orders/${id}` });
  t.equal(stored.body.datetime, order.datetime);
});

t.test('five requests pipelined before bad bytes: every answer, in order, then the 400', async (t) => {
  const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: test\r\n\r\n`;
  const text =
    get('/healthz') + post(JSON.stringify(anOrder())) + get('/orders/223') + get('/healthz') + get('/services');
  const responses = await exchange(`${text}BAD\r\n\r\n`);
  t.same(
    responses.map((r) => r.status),
    [200, 201, 200, 200, 200, 400],
  );
  t.equal(JSON.parse(responses[2]!.body).id, '223');
});

t.test('bad bytes inside a body: the 400 at once, not after the answer deadline', async (t) => {
  const started = Date.now();
  const responses = await exchange(
    'POST /orders HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"a":\r\nZZZ\r\n\r\n',
  );
  t.same(
    responses.map((r) => r.status),
    [400],
  );
  assertIsProblem({ method: 'POST', url: '/orders', ...responses[0]! });
  t.ok(Date.now() - started < 4000, `answered after ${Date.now() - started} ms (the deadline is 8 s)`);
});

t.test('Expect: 100-continue: 100 only when the body will be read', async (t) => {
  t.test('a create the headers allow: 100 Continue, then 201', async (t) => {
    const connection = await rawConnection(url);
    const body = JSON.stringify(anOrder());
    connection.write(
      post('', 'Expect: 100-continue\r\n').replace('Content-Length: 0', `Content-Length: ${body.length}`),
    );
    await connection.until((received) => received.includes('\r\n\r\n'));
    t.equal(connection.received(), 'HTTP/1.1 100 Continue\r\n\r\n', 'asked for the body, nothing else yet');
    connection.write(body);
    await connection.until((received) => finalAnswers(received) === 1);
    const responses = parseResponses(connection.received(), 0);
    connection.end();
    t.same(
      responses.map((r) => r.status),
      [100, 201],
    );
    assertMatchesContract({ method: 'POST', url: '/orders', ...responses[1]! });
  });

  const refusals: [string, string, number][] = [
    ['a body over 64 KiB', 'Content-Type: application/json\r\nContent-Length: 100000', 413],
    ['text/plain', 'Content-Type: text/plain\r\nContent-Length: 10', 415],
  ];
  for (const [name, headers, status] of refusals) {
    t.test(`${name}: the final ${status} at once, no 100`, async (t) => {
      const responses = await exchange(
        `POST /orders HTTP/1.1\r\nHost: test\r\n${headers}\r\nExpect: 100-continue\r\n\r\n`,
        1,
      );
      t.same(
        responses.map((r) => r.status),
        [status],
      );
      assertMatchesContract({ method: 'POST', url: '/orders', ...responses[0]! });
    });
  }
});

t.test('an expectation other than 100-continue is a 417 problem', async (t) => {
  const responses = await exchange(post('{}', 'Expect: something-else\r\n'), 1);
  t.same(
    responses.map((r) => r.status),
    [417],
  );
  assertIsProblem({ method: 'POST', url: '/orders', ...responses[0]! });
});

t.test('methods Fastify does not route get 405 with Allow on a known path, 404 elsewhere', async (t) => {
  for (const [method, path, allow] of [
    ['TRACE', '/orders', 'GET, HEAD, POST'],
    ['PROPFIND', '/orders/223', 'GET, HEAD, PUT, PATCH, DELETE'],
    ['SEARCH', '/services', 'GET, HEAD, POST'],
  ] as const) {
    const [res] = await exchange(`${method} ${path} HTTP/1.1\r\nHost: test\r\n\r\n`, 1);
    t.equal(res!.status, 405, `${method} ${path}`);
    assertIsProblem({ method, url: path, ...res! });
    t.equal(res!.headers.allow, allow);
  }
  for (const [method, path] of [
    ['PROPFIND', '/nothing-here'],
    ['GET', '/openapiXjson'], // the dot in /openapi.json is not a wildcard
  ] as const) {
    const [missing] = await exchange(`${method} ${path} HTTP/1.1\r\nHost: test\r\n\r\n`, 1);
    t.equal(missing!.status, 404, `${method} ${path}`);
    assertIsProblem({ method, url: path, ...missing! });
  }
});
