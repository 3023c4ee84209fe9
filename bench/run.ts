// npm run bench: the service against the bare baseline (bench/baseline.ts)
// on the same database and data, in one run, on PostgreSQL and on PGlite;
// then N service processes against one PostgreSQL. Prints a table, writes
// bench/results/latest.json and a chart of the ratios (ratios.svg).
//   npm run bench -- --duration 5 --rounds 3 --processes 1,2,4 --profile
//   npm run bench:smoke      (CI: a few seconds, fails on any failed request)
//   npm run bench -- --databases postgres --replicas   (a primary and a hot
//     standby of the benchmark's own; the service reads from the standby)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startReplicaSet } from '../test/helpers/standby.js';
import { ratioChart } from './lib/chart.js';
import { cpuSeconds, postmasterPid } from './lib/cpu.js';
import { type BenchDatabase, pgliteBenchDatabase, postgresBenchDatabase } from './lib/database.js';
import { type LoadOptions, type Meters, measure, type Run, summarise } from './lib/measure.js';
import { BASELINE, type Running, SERVICE, startServer } from './lib/processes.js';
import { type Comparison, compare, conditions, type Report, type ScaleOut, table } from './lib/report.js';
import { WORKLOADS, type WorkloadName } from './lib/workloads.js';

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    orders: { type: 'string', default: '10000' },
    databases: { type: 'string', default: 'postgres,pglite' },
    processes: { type: 'string', default: '1,2,4' },
    workloads: { type: 'string', default: WORKLOADS.join(',') },
    profile: { type: 'boolean', default: false },
    replicas: { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench/results' },
    'database-url': {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});

const smoke = args.smoke;
const load: LoadOptions = { connections: Number(args.connections), durationS: smoke ? 0.25 : Number(args.duration) };
const rounds = smoke ? 1 : Number(args.rounds);
const orders = smoke ? 500 : Number(args.orders);
const processCounts = smoke
  ? [1, 2]
  : args.processes
      .split(',')
      .map(Number)
      .filter((n) => n > 0);
const workloads = args.workloads.split(',') as WorkloadName[];
const warmUp: LoadOptions = { ...load, durationS: Math.min(1, load.durationS) };
const nodeArgs = (name: string) =>
  args.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(args.out, 'profiles', name)}`] : [];

type Results = Record<'service' | 'baseline', Record<string, Run[]>>;
const empty = (): Results => ({ service: {}, baseline: {} });

async function runAll(name: keyof Results, urls: string[], db: BenchDatabase, into: Results, warm: boolean) {
  for (const workload of workloads) {
    if (warm) await measure(urls, workload, db, warmUp); // JIT, connections, prepared statements
    into[name][workload] ??= [];
    into[name][workload].push(await measure(urls, workload, db, load));
  }
}

function comparisons(database: BenchDatabase['kind'], results: Results): Comparison[] {
  return workloads.map((w) => compare(database, w, summarise(results.service[w]!), summarise(results.baseline[w]!)));
}

/** Both servers stay up; each round runs every workload on both, alternating who goes first. */
async function onPostgres(db: BenchDatabase, dbMeters: Meters): Promise<Comparison[]> {
  const service = await startServer(SERVICE, db.env, nodeArgs('service-postgres'));
  const baseline = await startServer(BASELINE, db.env, nodeArgs('baseline-postgres'));
  const results = empty();
  try {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (['service', 'baseline'] as const) : (['baseline', 'service'] as const);
      for (const workload of workloads) {
        for (const name of order) {
          const server = name === 'service' ? service : baseline;
          const urls = [server.url];
          if (round === 0) await measure(urls, workload, db, warmUp);
          results[name][workload] ??= [];
          const meters = { node: () => cpuSeconds(server.pid), ...dbMeters };
          results[name][workload].push(await measure(urls, workload, db, load, meters));
        }
      }
    }
  } finally {
    await Promise.all([service.stop(), baseline.stop()]);
  }
  return comparisons('postgres', results);
}

/** PGlite serves one process at a time: each round starts the service, then the baseline, on one directory. */
async function onPglite(db: BenchDatabase): Promise<Comparison[]> {
  const results = empty();
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['service', 'baseline'] as const) : (['baseline', 'service'] as const);
    for (const name of order) {
      const server = await startServer(name === 'service' ? SERVICE : BASELINE, db.env, nodeArgs(`${name}-pglite`));
      try {
        await runAll(name, [server.url], db, results, true);
      } finally {
        await server.stop();
      }
    }
  }
  return comparisons('pglite', results);
}

async function scaleOut(db: BenchDatabase): Promise<ScaleOut[]> {
  const rows: ScaleOut[] = [];
  for (const processes of processCounts) {
    const servers: Running[] = [];
    try {
      for (let i = 0; i < processes; i++) servers.push(await startServer(SERVICE, db.env));
      const urls = servers.map((s) => s.url);
      for (const workload of workloads.filter((w) => w === 'get-one' || w === 'mixed')) {
        await measure(urls, workload, db, warmUp);
        const runs: Run[] = [];
        for (let round = 0; round < rounds; round++) runs.push(await measure(urls, workload, db, load));
        rows.push({ processes, workload, service: summarise(runs) });
      }
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  }
  return rows;
}

const report: Report = {
  conditions: conditions({
    smoke,
    rounds,
    ...load,
    seededOrders: orders,
    databases: args.databases,
    readReplica: args.replicas ? 'a hot standby of its own (DATABASE_READ_URL); baseline on the primary' : 'none',
  }),
  comparisons: [],
  scaleOut: [],
};
/**
 * --replicas: the benchmark's own primary and hot standby (test/helpers/standby.ts),
 * the bench database on the primary, the service's reads on the standby; their CPU is metered.
 */
async function replicaSetDatabase(): Promise<{ db: BenchDatabase; meters: Meters }> {
  const teardowns: (() => Promise<void> | void)[] = [];
  const set = await startReplicaSet({ teardown: (fn) => void teardowns.push(fn) }, { durable: true });
  const db = await postgresBenchDatabase(set.primaryUrl, orders);
  await set.caughtUp();
  const readUrl = new URL(db.env.DATABASE_URL!);
  readUrl.host = new URL(set.standbyUrl).host;
  const meters = {
    primary: () => cpuSeconds(postmasterPid(set.primaryDir)),
    standby: () => cpuSeconds(postmasterPid(set.standbyDir)),
  };
  const drop = async () => {
    await db.drop();
    for (const teardown of teardowns) await teardown();
  };
  return { db: { ...db, env: { ...db.env, DATABASE_READ_URL: readUrl.toString() }, drop }, meters };
}

for (const kind of args.databases.split(',')) {
  const { db, meters } =
    kind === 'pglite'
      ? { db: await pgliteBenchDatabase(orders), meters: {} }
      : args.replicas
        ? await replicaSetDatabase()
        : { db: await postgresBenchDatabase(args['database-url'], orders), meters: {} };
  report.conditions[`${kind}Version`] = db.version;
  try {
    process.stderr.write(`bench: ${db.kind}, ${rounds} round(s) of ${load.durationS} s per workload and server\n`);
    report.comparisons.push(...(kind === 'pglite' ? await onPglite(db) : await onPostgres(db, meters)));
    if (kind === 'postgres') report.scaleOut = await scaleOut(db);
  } finally {
    await db.drop();
  }
}
report.conditions.loadAverageAtEnd = (await import('node:os')).loadavg().map((l) => Number(l.toFixed(2)));

console.log(table(report));
mkdirSync(args.out, { recursive: true });
const name = smoke ? 'smoke' : 'latest';
writeFileSync(join(args.out, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(join(args.out, smoke ? 'smoke.svg' : 'ratios.svg'), ratioChart(report));
console.log(`\nwrote ${join(args.out, `${name}.json`)}`);

const failed = [
  ...report.comparisons.flatMap((c) => [c.service, c.baseline]),
  ...report.scaleOut.map((s) => s.service),
].reduce((n, s) => n + s.failures, 0);
if (failed > 0) {
  console.error(`bench: ${failed} requests failed (non-2xx, errors or timeouts): the figures are not valid`);
  process.exit(1);
}
