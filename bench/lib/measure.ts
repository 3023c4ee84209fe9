// One load run with autocannon (programmatic), and the medians over runs.
// Throughput is completed requests / elapsed time (autocannon's per-second
// average means little for short runs); latencies come from its histogram.
import autocannon from 'autocannon';
import { type Data, requestsFor, type WorkloadName } from './workloads.js';

export interface Run {
  rps: number;
  p50: number;
  p99: number;
  /** Responses outside 2xx, connection errors and timeouts: a valid run has none. */
  failures: number;
  /** CPU milliseconds per request, by meter (the service process, PostgreSQL's servers), when metered. */
  cpuMs?: Record<string, number>;
}

/** Cumulative CPU seconds of something measured (bench/lib/cpu.ts), by name. */
export type Meters = Record<string, () => number>;

export interface LoadOptions {
  connections: number;
  durationS: number;
}

export async function measure(
  urls: string[],
  workload: WorkloadName,
  data: Data,
  options: LoadOptions,
  meters: Meters = {},
): Promise<Run> {
  const before = Object.entries(meters).map(([name, meter]) => [name, meter()] as const);
  const result = await autocannon({
    url: (urls.length === 1 ? urls[0] : urls) as string, // autocannon spreads connections over several urls
    connections: options.connections,
    duration: options.durationS,
    requests: requestsFor(workload, data),
    timeout: 10,
  });
  const perRequest = (seconds: number) => (seconds * 1000) / Math.max(result.requests.total, 1);
  const cpuMs = Object.fromEntries(before.map(([name, at]) => [name, perRequest(meters[name]!() - at)]));
  return {
    ...(before.length > 0 ? { cpuMs } : {}),
    rps: result.requests.total / Math.max(result.duration, 0.001),
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Summary {
  rps: number;
  p50: number;
  p99: number;
  failures: number;
  cpuMs?: Record<string, number>;
  runs: Run[];
}

export function summarise(runs: Run[]): Summary {
  const metered = Object.keys(runs[0]?.cpuMs ?? {});
  return {
    ...(metered.length > 0
      ? { cpuMs: Object.fromEntries(metered.map((m) => [m, median(runs.map((r) => r.cpuMs?.[m] ?? 0))])) }
      : {}),
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    failures: runs.reduce((n, r) => n + r.failures, 0),
    runs,
  };
}
