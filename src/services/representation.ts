// A service as the contract shows it, and the answer to its creation.
import type { Schemas } from '../http/types.js';
import type { StoredResponse } from '../idempotency/store.js';
import type { ServiceRow } from './repository.js';

export function toApiService(row: ServiceRow): Schemas['Service'] {
  return { id: row.id.toString(), name: row.name };
}

/** The 201 that a create answers, and replays for a retry with its Idempotency-Key. */
export function serviceCreated(row: ServiceRow): StoredResponse<Schemas['Service']> {
  return { status: 201, location: `/services/${row.id}`, body: toApiService(row) };
}
