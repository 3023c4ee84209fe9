// One process at a time on an embedded store's directory. PGlite has no
// data-directory lock of its own (electric-sql/pglite#1106): two processes on
// one PGLITE_DIR both start, hand out the same ids and, after a restart, one
// side's acknowledged orders are gone.
//
// The lock is an OS-level exclusive lock (fcntl open-file-description lock on
// Linux, flock on macOS, LockFileEx on Windows, through fs-native-extensions)
// on a file inside the directory. The kernel drops it when its holder dies,
// however it dies (SIGKILL, OOM kill, crash), so a lock left behind never
// blocks the next start and needs no staleness guess; and a live holder never
// loses it, however long its event loop stalls. The file stays in place (it
// is never deleted: deleting a lock file lets two processes lock two
// different files of one name); it holds the holder's pid for the message.
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import fsNativeExtensions from 'fs-native-extensions';

const { tryLock, unlock } = fsNativeExtensions;

export const LOCK_FILE = 'order-service.lock';

export interface DataDirLock {
  release(): void;
}

/** Locks `dir` (created if absent) for this process, or throws one line naming the process that holds it. */
export function lockDataDir(dir: string): DataDirLock {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  // a+: created if absent, never truncated before the lock is ours; an
  // exclusive lock needs a descriptor open for writing.
  const fd = openSync(path, 'a+');
  let locked: boolean;
  try {
    locked = tryLock(fd);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  if (!locked) {
    closeSync(fd);
    throw new Error(
      `PGLITE_DIR ${dir} is in use by another process (${holder(path)}): only one process may open an embedded store; stop that one or give this one its own PGLITE_DIR`,
    );
  }
  ftruncateSync(fd, 0);
  writeSync(fd, `${JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() })}\n`);
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      unlock(fd);
      closeSync(fd);
    },
  };
}

/** Who holds the lock, as its file says ("pid 1234 on host a"); the file may be mid-write. */
function holder(path: string): string {
  try {
    const { pid, host } = JSON.parse(readFileSync(path, 'utf8')) as { pid: number; host: string };
    return host === hostname() ? `pid ${pid}` : `pid ${pid} on host ${host}`;
  } catch {
    return 'pid unknown';
  }
}
