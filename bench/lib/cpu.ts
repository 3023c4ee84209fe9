// CPU time a process (and the children it has, live or reaped) has used, from
// /proc (Linux), for CPU milliseconds per request next to req/s: on a
// shared machine req/s says how busy the neighbours were, CPU per request
// says what a request costs (and so what one core serves).
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime, stime and (children reaped) cutime, cstime of `pid`, in seconds; 0 when it is gone. */
function ownAndReaped(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields.slice(11, 15).reduce((sum, f) => sum + Number(f), 0) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** CPU seconds used so far by `pid` and everything under it. */
export function cpuSeconds(pid: number): number {
  return ownAndReaped(pid) + childrenOf(pid).reduce((sum, child) => sum + cpuSeconds(child), 0);
}

/** The postmaster's pid, from the first line of `dataDir`/postmaster.pid. */
export function postmasterPid(dataDir: string): number {
  return Number(readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
}
