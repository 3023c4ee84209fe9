// The benchmark's yardstick: bare Fastify routes with hand-written SQL (see
// baseline-sql.ts) and no contract, glue, Drizzle, validation or response
// schemas. It answers the benchmarked requests with the same JSON as the
// service, on the same database, so the ratio service / baseline is what
// the contract-first stack costs. Not for production: it trusts its input.
//   DATABASE_URL=postgres://… PORT=3001 node --import tsx bench/baseline.ts
//   PGLITE_DIR=/tmp/dir PORT=3001 node --import tsx bench/baseline.ts
import { createHash } from 'node:crypto';
import Fastify from 'fastify';
import * as q from './baseline-sql.js';

interface Row {
  id: string;
  datetime: Date | string;
  totalfee: string;
  created_at: Date | string;
  updated_at: Date | string;
  services?: { id: string; name: string }[];
}

const iso = (d: Date | string) => new Date(d).toISOString();
const toOrder = (row: Row, services = row.services ?? []) => ({
  id: row.id,
  datetime: iso(row.datetime),
  totalfee: Number(row.totalfee),
  services,
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
});

const BUCKET_MS = 3 * 3_600_000;
const url = process.env.DATABASE_URL;
const sql = url
  ? q.postgresSql(url, Number(process.env.DB_POOL_MAX ?? 10))
  : await q.pgliteSql(process.env.PGLITE_DIR!);
const app = Fastify({ logger: false });

app.get('/healthz', async () => ({ status: 'ok' }));

app.get<{ Params: { id: string } }>('/orders/:id', async (request, reply) => {
  const [row] = await sql.query<Row>(q.GET_ORDER, [request.params.id]);
  return row ? toOrder(row) : reply.code(404).send({ status: 404 });
});

app.get<{ Querystring: { limit?: string; from?: string } }>('/orders', async (request) => {
  const limit = Number(request.query.limit ?? 50);
  const rows = request.query.from
    ? await sql.query<Row>(q.PAGE_FROM, [new Date(request.query.from), limit + 1])
    : await sql.query<Row>(q.FIRST_PAGE, [limit + 1]);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const more = rows.length > limit && last;
  return {
    data: page.map((r) => toOrder(r)),
    nextCursor: more ? Buffer.from(`${new Date(last.datetime).getTime()}:${last.id}`).toString('base64url') : null,
  };
});

interface Input {
  datetime: string;
  totalfee: number;
  services: { id: string }[];
}

app.post<{ Body: Input }>('/orders', async (request, reply) => {
  const at = new Date(request.body.datetime);
  const ids = request.body.services.map((s) => s.id);
  const bucket = Math.floor(at.getTime() / BUCKET_MS);
  const outcome = await sql.transaction(async (tx) => {
    // As the service does: the lock and the checks in one round trip (sent
    // in this order), then one statement for the order and its services.
    const [, [checked]] = await Promise.all([
      tx.query(q.LOCK_SLOTS, [bucket, bucket + 1]),
      tx.query<{ found: { id: string; name: string }[]; conflicts: string[] }>(q.CHECKS, [
        ids.join(','),
        at.toISOString(),
      ]),
    ]);
    if (checked!.found.length !== ids.length) return { status: 422, body: { status: 422 } };
    if (checked!.conflicts.length > 0) return { status: 409, body: { conflictingOrderIds: checked!.conflicts } };
    const [row] = await tx.query<Row>(q.INSERT_ORDER, [
      at.toISOString(),
      request.body.totalfee.toFixed(2),
      ids.join(','),
    ]);
    const byId = new Map(checked!.found.map((s) => [s.id, s]));
    const order = toOrder(
      row!,
      ids.map((id) => byId.get(id)!),
    );
    // The same event insert as the service's, in the same transaction.
    const etag = `"${createHash('sha256').update(JSON.stringify(order)).digest('base64url').slice(0, 27)}"`;
    await tx.query(q.RECORD_EVENT, [order.id, JSON.stringify({ object: order, version: 1, etag })]);
    return { status: 201, body: order };
  });
  if (outcome.status === 201) reply.header('location', `/orders/${(outcome.body as { id: string }).id}`);
  return reply.code(outcome.status).send(outcome.body);
});

process.on('SIGTERM', async () => {
  await app.close();
  await sql.close();
  process.exit(0);
});

await app.listen({ port: Number(process.env.PORT ?? 3001), host: '127.0.0.1' });
