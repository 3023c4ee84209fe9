// Remembered answers to creates sent with an Idempotency-Key. The check and
// the record share the transaction that creates the order or service, so a
// key is stored exactly when its creation commits: a failed create (any
// 4xx or 5xx) leaves no trace, and a lost response can always be replayed.
import { and, eq, lt, sql } from 'drizzle-orm';
import { type Database, rowsOf, type Transaction } from '../db/client.js';
import { idempotencyKeys } from '../db/schema.js';
import { IdempotencyKeyInUseError, IdempotencyKeyReusedError } from '../domain/errors.js';

const KEY_LIFETIME = sql.raw(`interval '24 hours'`);
// Seeds the 64-bit hash of (caller, key) that names the key's advisory lock.
const KEY_LOCK_SEED = 3_110_002;

export interface Claim {
  caller: string;
  key: string;
  fingerprint: string;
}

export interface StoredResponse<Body = unknown> {
  status: number;
  location: string;
  etag?: string | null;
  body: Body;
}

/** What a create answers: first-time, or replayed for a retry with the same key. */
export interface Answer<Body = unknown> {
  response: StoredResponse<Body>;
  replayed: boolean;
}

export function createIdempotencyStore(db: Database) {
  return {
    /**
     * Claims the key for this transaction (no claim, nothing to do). Returns
     * the stored answer when the key already has one for the same request:
     * the create must then do nothing but return it. Throws
     * IdempotencyKeyInUseError while another transaction holds the key,
     * IdempotencyKeyReusedError when its answer was for a different request.
     */
    async claim<Body>(tx: Transaction, claim: Claim | undefined): Promise<Answer<Body> | undefined> {
      if (!claim) return undefined;
      const { caller, key, fingerprint } = claim;
      const [lock] = await rowsOf<{ acquired: boolean }>(
        tx.execute(
          sql`select pg_try_advisory_xact_lock(hashtextextended(${caller} || ' ' || ${key}, ${KEY_LOCK_SEED})) as acquired`,
        ),
      );
      if (!lock?.acquired) throw new IdempotencyKeyInUseError();
      const thisKey = and(eq(idempotencyKeys.caller, caller), eq(idempotencyKeys.key, key));
      const [stored] = await tx
        .select({
          fingerprint: idempotencyKeys.fingerprint,
          status: idempotencyKeys.status,
          location: idempotencyKeys.location,
          etag: idempotencyKeys.etag,
          body: idempotencyKeys.body,
          // The database's clock decides expiry, as it does for the purge.
          expired: sql<boolean>`${idempotencyKeys.createdAt} <= now() - ${KEY_LIFETIME}`,
        })
        .from(idempotencyKeys)
        .where(thisKey);
      if (!stored) return undefined;
      if (stored.expired) {
        // Expired but not yet purged: the key is free again.
        await tx.delete(idempotencyKeys).where(thisKey);
        return undefined;
      }
      if (stored.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
      // What was stored for this same request: the same Body.
      const { status, location, etag, body } = stored;
      return { response: { status, location, etag, body: body as Body }, replayed: true };
    },

    /** Records the answer with the claim (no claim, nothing to record) and returns it. */
    async record<Body>(
      tx: Transaction,
      claim: Claim | undefined,
      response: StoredResponse<Body>,
    ): Promise<Answer<Body>> {
      if (claim) await tx.insert(idempotencyKeys).values({ ...claim, ...response });
      return { response, replayed: false };
    },

    /** Deletes expired keys. */
    async purgeExpired(): Promise<void> {
      await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, sql`now() - ${KEY_LIFETIME}`));
    },
  };
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
