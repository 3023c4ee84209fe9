// Reads that may lag go to streaming replicas (DATABASE_READ_URL); every
// write, the 3-hour rule and any read that must see the caller's own write
// stay on the primary (docs/operations.md says which operation uses which).
//
// A replica that cannot answer (connection refused or lost, shutting down,
// a statement cancelled by replay) costs no request: the read is run again
// on the primary, and the replica is left alone for `retryMs` before a read
// tries it again. Lag is not measured: a replica that is up serves what it
// has replayed (postgres.js reconnects by itself once it is back).
import type { Database } from './client.js';
import { redactedUrl } from './database-url.js';
import { isDatabaseUnavailable } from './errors.js';

export interface ReadRouting {
  /**
   * `make` built once on each pool. Each call of one of its methods runs on
   * the next replica that is up, or on the primary when none is or when the
   * replica fails to answer.
   */
  route<Reads extends object>(make: (db: Database) => Reads): Reads;
}

/** Every read on the one database there is (PGlite, or PostgreSQL without DATABASE_READ_URL). */
export const primaryOnly = (db: Database): ReadRouting => ({ route: (make) => make(db) });

export interface ReplicaOptions {
  retryMs: number;
  /** Told, with the replica's URL (password redacted), when it failed and is left alone for a while. */
  onDown?: ((url: string, error: unknown) => void) | undefined;
}

type Method = (...args: unknown[]) => Promise<unknown>;

/** Reads on `replicas` in turn, falling back to `primary`; primaryOnly when there are none. */
export function readReplicas(
  primary: Database,
  replicas: { url: string; db: Database }[],
  options: ReplicaOptions,
): ReadRouting {
  if (replicas.length === 0) return primaryOnly(primary);
  const downUntil = replicas.map(() => 0);
  let next = 0;
  /** The next replica in turn that is not left alone, if any. */
  const pick = (): number | undefined => {
    const now = Date.now();
    for (let i = 0; i < replicas.length; i++) {
      const index = (next + i) % replicas.length;
      if (downUntil[index]! <= now) {
        next = index + 1;
        return index;
      }
    }
    return undefined;
  };
  return {
    route<Reads extends object>(make: (db: Database) => Reads): Reads {
      const onPrimary = make(primary) as Record<string, Method>;
      const onReplicas = replicas.map(({ db }) => make(db) as Record<string, Method>);
      const routed: Record<string, Method> = {};
      for (const name of Object.keys(onPrimary)) {
        routed[name] = async (...args) => {
          const index = pick();
          if (index === undefined) return onPrimary[name]!(...args);
          try {
            return await onReplicas[index]![name]!(...args);
          } catch (error) {
            if (!isDatabaseUnavailable(error)) throw error;
            downUntil[index] = Date.now() + options.retryMs;
            options.onDown?.(redactedUrl(replicas[index]!.url), error);
            return onPrimary[name]!(...args);
          }
        };
      }
      return routed as Reads;
    },
  };
}
