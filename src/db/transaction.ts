// Runs a write as one transaction, and decides once what a database error
// raised by concurrent writers becomes. Such an error means another writer
// got there first, not that the request was wrong: the whole transaction is
// tried again, and its own checks, reading what the other writer committed,
// give the answer a calm database would have given (a conflict, a missing
// service). One that outlasts the attempts is WriteContentionError (a 503:
// busy, retry later). Any other error leaves as it came.
import type { Database, Transaction } from './client.js';
import { SQLSTATE, sqlState, WriteContentionError } from './errors.js';

const MAX_ATTEMPTS = 3;

/** Deadlocks and serialization failures: any transaction can meet them. */
export const TRANSIENT: ReadonlySet<string> = new Set([SQLSTATE.deadlockDetected, SQLSTATE.serializationFailure]);

export interface TransactionOptions {
  /** The SQLSTATEs after which the work is tried again (default: TRANSIENT). */
  retryOn?: ReadonlySet<string>;
}

export async function inTransaction<T>(
  db: Database,
  work: (tx: Transaction) => Promise<T>,
  { retryOn = TRANSIENT }: TransactionOptions = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work);
    } catch (error) {
      const state = sqlState(error);
      if (state === undefined || !retryOn.has(state)) throw error;
      if (attempt === MAX_ATTEMPTS) throw new WriteContentionError(error);
    }
  }
}
