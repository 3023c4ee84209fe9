// The service catalogue's SQL: reads, and the row writes that
// src/services/writes.ts runs inside its transactions.
import { asc, eq, gt } from 'drizzle-orm';
import type { Database, Transaction } from '../db/client.js';
import { SQLSTATE, sqlState } from '../db/errors.js';
import { services } from '../db/schema.js';
import { ServiceInUseError } from '../domain/errors.js';

/** A service as stored; orders hold these too. */
export type ServiceRow = typeof services.$inferSelect;

export function createServiceRepository(db: Database) {
  return {
    /** Up to `limit` services with ids above `afterId`, by id. */
    list(limit: number, afterId?: bigint): Promise<ServiceRow[]> {
      const after = afterId === undefined ? undefined : gt(services.id, afterId);
      return db.select().from(services).where(after).orderBy(asc(services.id)).limit(limit);
    },

    async get(id: bigint): Promise<ServiceRow | undefined> {
      const [row] = await db.select().from(services).where(eq(services.id, id));
      return row;
    },
  };
}

export type ServiceRepository = ReturnType<typeof createServiceRepository>;

export async function insertService(tx: Transaction, name: string): Promise<ServiceRow> {
  const [row] = await tx.insert(services).values({ name }).returning();
  return row!;
}

/** Undefined when the service does not exist. */
export async function renameService(tx: Transaction, id: bigint, name: string): Promise<ServiceRow | undefined> {
  const [row] = await tx.update(services).set({ name }).where(eq(services.id, id)).returning();
  return row;
}

/** Deletes a service no order books; the service as it was, undefined when it did not exist. */
export async function deleteService(tx: Transaction, id: bigint): Promise<ServiceRow | undefined> {
  try {
    const [deleted] = await tx.delete(services).where(eq(services.id, id)).returning();
    return deleted;
  } catch (error) {
    // order_services.service_id is ON DELETE RESTRICT: PostgreSQL 15
    // reports 23503, PostgreSQL 18 (inside PGlite) 23001.
    const state = sqlState(error);
    if (state === SQLSTATE.foreignKeyViolation || state === SQLSTATE.restrictViolation) {
      throw new ServiceInUseError(id.toString());
    }
    throw error;
  }
}
