// The query plans behind the measured requests. The statements are not
// copied here: the service's own repository runs each operation against a
// Drizzle instance that records the SQL and parameters it sends, and each
// recorded statement is then run under EXPLAIN (ANALYZE, BUFFERS).
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { createAvailabilityQueries } from '../../src/availability/queries.js';
import type { Database } from '../../src/db/client.js';
import * as schema from '../../src/db/schema.js';
import { OrderConflictError } from '../../src/domain/errors.js';
import { createIdempotencyStore } from '../../src/idempotency/store.js';
import { createOrderRepository } from '../../src/orders/repository.js';
import { createOrderWrites } from '../../src/orders/writes.js';

export interface Plan {
  operation: string;
  sql: string;
  plan: string;
  executionMs: number;
  sequentialScan: boolean;
}

interface Recorded {
  query: string;
  params: unknown[];
}

export interface PlanInputs {
  id: bigint;
  /** An instant less than 3 hours from a seeded order. */
  conflicting: Date;
  /** The position a deep page starts after. */
  deep: { datetime: Date; id: bigint };
  /** A 31-day range of the availability block, and a booked instant in it. */
  availability: { from: Date; to: Date; taken: Date };
}

/**
 * The plan of a recorded statement run as a prepared statement with its
 * recorded values, as the service runs it. (PostgreSQL plans a prepared
 * statement for its values, and keeps doing so while a generic plan would
 * cost more, as it does for a page: LIMIT $n unknown, it would expect
 * thousands of rows.)
 */
async function explainPrepared(client: postgres.Sql, { query, params }: Recorded) {
  await client.unsafe(`prepare explained as ${query}`);
  try {
    // EXECUTE takes no bind parameters: the recorded values (ids, numbers, ISO instants) become literals.
    const literal = (v: unknown) => (typeof v === 'string' ? `'${v.replaceAll("'", "''")}'` : String(v));
    return await client.unsafe(
      `explain (analyze, buffers, costs off) execute explained(${params.map(literal).join(', ')})`,
    );
  } finally {
    await client.unsafe('deallocate explained');
  }
}

export async function explainOperations(url: string, inputs: PlanInputs): Promise<Plan[]> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  let recorded: Recorded[] = [];
  const db = drizzle({
    client,
    schema,
    logger: { logQuery: (query, params) => void recorded.push({ query, params }) },
  });
  const repository = createOrderRepository(db as unknown as Database);
  const writes = createOrderWrites(db as unknown as Database, createIdempotencyStore(db as unknown as Database));
  const availability = createAvailabilityQueries(db as unknown as Database);
  const operations: [string, () => Promise<unknown>, (r: Recorded) => boolean][] = [
    ['GET one order', () => repository.get(inputs.id), () => true],
    [
      'overlap check on create',
      () =>
        writes.create({ datetime: inputs.conflicting, totalfee: '1.00', serviceIds: [123n] }).catch((e) => {
          if (!(e instanceof OrderConflictError)) throw e;
        }),
      (r) => /as conflicts/.test(r.query),
    ],
    ['first page', () => repository.list({ limit: 51 }), () => true],
    ['deep cursor page', () => repository.list({ limit: 51, after: inputs.deep }), () => true],
    [
      'availability over 31 days',
      () => availability.windows(inputs.availability.from, inputs.availability.to),
      () => true,
    ],
    ['nearestAvailable (block)', () => availability.nearest(inputs.availability.taken), () => true],
    // The worst the horizon allows: inside orders booked back to back for years.
    ['nearestAvailable (packed run)', () => availability.nearest(inputs.conflicting), () => true],
  ];
  const plans: Plan[] = [];
  try {
    for (const [operation, run, pick] of operations) {
      recorded = [];
      await run();
      const statement = recorded.find(pick)!;
      const rows = await explainPrepared(client, statement);
      const plan = rows.map((r) => r['QUERY PLAN'] as string).join('\n');
      plans.push({
        operation,
        sql: statement.query.replace(/\s+/g, ' '),
        plan,
        executionMs: Number(/Execution Time: ([\d.]+)/.exec(plan)?.[1] ?? NaN),
        sequentialScan: /Seq Scan on (orders|order_services)\b/.test(plan),
      });
    }
  } finally {
    await client.end();
  }
  return plans;
}
