// Traces, with an in-memory exporter in place of OTLP: one POST /orders is
// one server span (route, method, status), its transaction and statements
// below it (statement text, never values), and its log lines carry its
// trace id. Without tracing, nothing of OpenTelemetry is registered.
import { createServer } from 'node:http';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { sql } from 'drizzle-orm';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { startTracing } from '../src/tracing/provider.js';
import { apiFor } from './helpers/api.js';
import { freshDatabase } from './helpers/database.js';
import { anOrder } from './helpers/fixtures.js';
import { listenLocally } from './helpers/ports.js';
import { serviceDatabase, startServiceProcess } from './helpers/service-process.js';
import { sendChecked } from './helpers/socket.js';

const exporter = new InMemorySpanExporter();
const tracing = startTracing({ exporter });
t.teardown(() => tracing.shutdown());
const database = await freshDatabase(t);

const logLines: Record<string, unknown>[] = [];
const app = await buildApp({
  database,
  tracing,
  logger: { level: 'info', stream: { write: (line: string) => void logLines.push(JSON.parse(line)) } },
});
t.teardown(() => app.close());
const api = await apiFor(app, database);
await app.ready();

/** The spans from `span` up to its root, by parent span id. */
function ancestry(span: ReadableSpan, spans: ReadableSpan[]): ReadableSpan[] {
  const chain = [span];
  for (let s = span; s.parentSpanContext; ) {
    const parent = spans.find((p) => p.spanContext().spanId === s.parentSpanContext?.spanId);
    if (!parent) break;
    chain.push(parent);
    s = parent;
  }
  return chain;
}

t.test('one POST /orders: a server span with route and status, its transaction and statements below it', async (t) => {
  exporter.reset();
  const body = anOrder({ totalfee: 4711.25 });
  const res = await api.post('/orders', body);
  t.equal(res.status, 201);

  const spans = exporter.getFinishedSpans();
  const servers = spans.filter((s) => s.kind === SpanKind.SERVER);
  t.equal(servers.length, 1, 'one server span');
  const server = servers[0]!;
  t.equal(server.name, 'POST /orders');
  t.match(server.attributes, {
    'http.request.method': 'POST',
    'http.route': '/orders',
    'http.response.status_code': 201,
  });
  const traceId = server.spanContext().traceId;
  t.ok(
    spans.every((s) => s.spanContext().traceId === traceId),
    'every span of the request is in its trace',
  );

  const transactions = spans.filter((s) => s.name === 'transaction');
  t.equal(transactions.length, 1, 'the create is one transaction');
  t.ok(ancestry(transactions[0]!, spans).includes(server), 'below the server span');

  const statements = spans.filter((s) => s.attributes['db.query.text'] !== undefined);
  t.ok(statements.length >= 3, `statements traced (${statements.length})`);
  for (const statement of statements) {
    t.equal(statement.kind, SpanKind.CLIENT);
    t.equal(statement.attributes['db.system.name'], 'postgresql');
    t.equal(
      statement.parentSpanContext?.spanId,
      transactions[0]!.spanContext().spanId,
      `${statement.name}: in the transaction`,
    );
    const text = String(statement.attributes['db.query.text']);
    t.equal(statement.name, text.trim().split(/\s+/)[0]!.toUpperCase(), 'named by its operation');
    t.notOk(
      text.includes('4711') || text.includes(body.datetime.slice(0, 10)),
      `${statement.name}: no values in the text`,
    );
  }
  t.ok(
    statements.some((s) => /insert into "orders"/i.test(String(s.attributes['db.query.text']))),
    'the insert of the order among them',
  );

  const completed = logLines.filter(
    (l) => l.msg === 'request completed' && (l.res as { statusCode?: number })?.statusCode === 201,
  );
  t.equal(completed.at(-1)?.trace_id, traceId, 'the log line carries the trace id');
  t.equal(completed.at(-1)?.span_id, server.spanContext().spanId);
});

t.test('probes and scrapes are not traced, nor statements outside a request', async (t) => {
  exporter.reset();
  t.equal((await api.get('/healthz')).status, 200);
  t.equal((await api.get('/metrics')).status, 200);
  await database.db.execute(sql`select 1`);
  t.same(exporter.getFinishedSpans(), []);
});

t.test('without tracing, nothing of OpenTelemetry is registered in the app', async (t) => {
  const untraced = await buildApp({ database });
  t.teardown(() => untraced.close());
  await untraced.ready();
  t.notOk(untraced.hasPlugin('@fastify/otel'));
  t.ok(app.hasPlugin('@fastify/otel'), 'as it is with tracing');
});

t.test('tracing is on when an OTLP endpoint is set, unless the SDK is disabled', async (t) => {
  t.equal(loadConfig({}).tracing, false);
  t.equal(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing, true);
  t.equal(loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }).tracing, true);
  t.equal(
    loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }).tracing,
    false,
  );
});

t.test(
  'the server process exports over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT, the last spans at SIGTERM',
  async (t) => {
    const received: { resourceSpans: OtlpResourceSpans[] }[] = [];
    const collector = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk));
      request.on('end', () => {
        if (request.url === '/v1/traces') received.push(JSON.parse(body));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    const endpoint = await listenLocally(collector);
    t.teardown(() => void collector.close());
    const service = await startServiceProcess(t, {
      ...(await serviceDatabase(t)).env,
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    });
    const created = await sendChecked(service.url, { method: 'POST', path: '/orders', body: anOrder() });
    t.equal(created.status, 201);
    service.kill('SIGTERM');
    t.same(await service.exited, { code: 0, signal: null });

    const spans = received.flatMap((r) =>
      r.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((span) => ({ rs, span })))),
    );
    const server = spans.find(({ span }) => span.name === 'POST /orders');
    t.ok(server, 'the request span reached the collector');
    t.ok(
      spans.some(({ span }) => span.name === 'transaction'),
      'and its transaction',
    );
    t.same(server?.rs.resource.attributes.find((a) => a.key === 'service.name')?.value, {
      stringValue: 'order-service',
    });
    // The probes the helper polled until the service was up are not traced.
    const traced = service.logs.filter((l) => l.msg === 'request completed' && l.trace_id !== undefined);
    t.same(
      traced.map((l) => l.trace_id),
      [server?.span.traceId],
      'the log line names the exported trace',
    );
  },
);

interface OtlpResourceSpans {
  resource: { attributes: { key: string; value: unknown }[] };
  scopeSpans: { spans: { name: string; traceId: string }[] }[];
}
