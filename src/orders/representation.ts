// An order as the contract shows it, and back: the mapping between rows and
// the API's shapes, the merge of a patch, and the answer to a create.
import { formatDateTime, parseDateTime } from '../domain/datetime.js';
import { PreconditionFailedError } from '../domain/errors.js';
import type { Schemas } from '../http/types.js';
import type { StoredResponse } from '../idempotency/store.js';
import { toApiService } from '../services/representation.js';
import { etagOf, ifMatchHolds } from './etag.js';
import type { OrderInput, OrderRow } from './repository.js';

export function toApiOrder(row: OrderRow): Schemas['Order'] {
  return {
    id: row.id.toString(),
    datetime: formatDateTime(row.datetime),
    totalfee: Number(row.totalfee),
    services: row.services.map(toApiService),
    createdAt: formatDateTime(row.createdAt),
    updatedAt: formatDateTime(row.updatedAt),
  };
}

// The schema has already checked the body, including the date-time format,
// so parsing cannot fail here.
export function toOrderInput(body: Schemas['OrderInput']): OrderInput {
  return {
    datetime: parseDateTime(body.datetime)!,
    totalfee: body.totalfee.toFixed(2),
    serviceIds: body.services.map((s) => BigInt(s.id)),
  };
}

/** A merge patch (RFC 7396) applied to the order as the API shows it. */
export function merged(current: OrderRow, patch: Schemas['OrderPatch']): OrderInput {
  const order = toApiOrder(current);
  return toOrderInput({ datetime: order.datetime, totalfee: order.totalfee, services: order.services, ...patch });
}

/** Refuses a change when If-Match names another state of the order than `current`. */
export function assertIfMatch(current: OrderRow, ifMatch: string | undefined): void {
  if (!ifMatchHolds(ifMatch, etagOf(toApiOrder(current)))) throw new PreconditionFailedError(current.id.toString());
}

/** The 201 that a create answers, and replays for a retry with its Idempotency-Key. */
export function orderCreated(row: OrderRow): StoredResponse<Schemas['Order']> {
  const order = toApiOrder(row);
  return { status: 201, location: `/orders/${order.id}`, etag: etagOf(order), body: order };
}
