// What a benchmark run found, as a table for people and JSON for tools,
// with the conditions it ran under (a shared 2-core machine is noisy, so
// the figures are only meaningful next to the load it saw).
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { Summary } from './measure.js';
import { TARGETS, type WorkloadName } from './workloads.js';

export interface Comparison {
  database: 'postgres' | 'pglite';
  workload: WorkloadName;
  service: Summary;
  baseline: Summary;
  /** median service req/s ÷ median baseline req/s */
  ratio: number;
  target: { ratio: number; p99Ms?: number };
  meetsTarget: boolean;
}

export interface ScaleOut {
  processes: number;
  workload: WorkloadName;
  service: Summary;
}

export interface Report {
  conditions: Record<string, unknown>;
  comparisons: Comparison[];
  scaleOut: ScaleOut[];
}

export function compare(
  database: Comparison['database'],
  workload: WorkloadName,
  service: Summary,
  baseline: Summary,
): Comparison {
  const target = TARGETS[workload];
  const ratio = service.rps / baseline.rps;
  // The p99 target is for PostgreSQL, the production database.
  const p99Ok = target.p99Ms === undefined || database === 'pglite' || service.p99 < target.p99Ms;
  return { database, workload, service, baseline, ratio, target, meetsTarget: ratio >= target.ratio && p99Ok };
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export function conditions(options: Record<string, unknown>): Record<string, unknown> {
  return {
    date: new Date().toISOString(),
    commit: gitCommit(),
    node: process.version,
    cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}`,
    loadAverageAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
    note: 'service, baseline, PostgreSQL and the load generator share these cores',
    ...options,
  };
}

const fixed = (n: number, digits = 0) => n.toFixed(digits).padStart(7);

export function table(report: Report): string {
  const lines = [
    'database  workload      | service req/s  p50 ms  p99 ms | baseline req/s  p50 ms  p99 ms | ratio  target',
    '--------------------------------------------------------------------------------------------------------------',
  ];
  for (const c of report.comparisons) {
    const target = `≥ ${c.target.ratio}${c.target.p99Ms && c.database === 'postgres' ? `, p99 < ${c.target.p99Ms} ms` : ''}`;
    lines.push(
      `${c.database.padEnd(9)} ${c.workload.padEnd(13)} | ${fixed(c.service.rps)}       ${fixed(c.service.p50, 1)} ${fixed(c.service.p99, 1)} |` +
        ` ${fixed(c.baseline.rps)}        ${fixed(c.baseline.p50, 1)} ${fixed(c.baseline.p99, 1)} |` +
        ` ${c.ratio.toFixed(2)}   ${target} ${c.meetsTarget ? 'met' : 'MISSED'}` +
        (c.service.failures + c.baseline.failures
          ? `  (${c.service.failures + c.baseline.failures} failed requests)`
          : ''),
    );
    for (const [name, s] of [
      ['service', c.service],
      ['baseline', c.baseline],
    ] as const) {
      if (!s.cpuMs) continue;
      const costs = Object.entries(s.cpuMs).map(([meter, ms]) => `${meter} ${ms.toFixed(3)}`);
      lines.push(`${''.padEnd(23)} | CPU ms per request, ${name} run: ${costs.join(', ')}`);
    }
  }
  if (report.scaleOut.length > 0) {
    lines.push('', 'service processes on one PostgreSQL | workload | req/s  p50 ms  p99 ms | × one process');
    for (const s of report.scaleOut) {
      const one = report.scaleOut.find((o) => o.processes === 1 && o.workload === s.workload)?.service.rps;
      const gain = one ? (s.service.rps / one).toFixed(2) : '-';
      lines.push(
        `${String(s.processes).padStart(35)} | ${s.workload.padEnd(8)} | ${fixed(s.service.rps)} ${fixed(s.service.p50, 1)} ${fixed(s.service.p99, 1)} | ${gain}`,
      );
    }
  }
  return lines.join('\n');
}
