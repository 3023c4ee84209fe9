// One thin handler per order operation: HTTP in, repository call, HTTP out.
// The mapping between database rows and the contract's shapes lives here.
import type { FastifyReply } from 'fastify';
import { formatDateTime, parseDateTime } from '../domain/datetime.js';
import { InvalidInputError, NotFoundError, PreconditionFailedError } from '../domain/errors.js';
import type { Handlers, RequestOf, Schemas } from '../http/types.js';
import { claimOf, createOnce, sendCreated } from '../idempotency/http.js';
import type { IdempotencyStore } from '../idempotency/store.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { etagOf, ifMatchHolds, ifNoneMatchHits } from './etag.js';
import type { OrderInput, OrderRepository, OrderRow } from './repository.js';

export function toApiOrder(row: OrderRow): Schemas['Order'] {
  return {
    id: row.id.toString(),
    datetime: formatDateTime(row.datetime),
    totalfee: Number(row.totalfee),
    services: row.services.map((s) => ({ id: s.id.toString(), name: s.name })),
    createdAt: formatDateTime(row.createdAt),
    updatedAt: formatDateTime(row.updatedAt),
  };
}

// The schema has already checked the body, including the date-time format,
// so parsing cannot fail here.
function toOrderInput(body: Schemas['OrderInput']): OrderInput {
  return {
    datetime: parseDateTime(body.datetime)!,
    totalfee: body.totalfee.toFixed(2),
    serviceIds: body.services.map((s) => BigInt(s.id)),
  };
}

/** A merge patch (RFC 7396) applied to the order as the API shows it. */
function merged(current: OrderRow, patch: Schemas['OrderPatch']): OrderInput {
  const order = toApiOrder(current);
  return toOrderInput({ datetime: order.datetime, totalfee: order.totalfee, services: order.services, ...patch });
}

/**
 * The filters of a list request. A cursor carries the filters of the page
 * that gave it out: the client may send them again or leave them out, but
 * not change them halfway through.
 */
function listQuery(query: RequestOf<'listOrders'>['query']) {
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const filter = (name: 'from' | 'to') => {
    const sent = query[name] === undefined ? undefined : parseDateTime(query[name])!;
    if (cursor && sent !== undefined && sent.getTime() !== cursor[name]?.getTime()) {
      throw new InvalidInputError([
        { in: 'query', pointer: `#/${name}`, detail: `differs from the ${name} of the page that gave this cursor` },
      ]);
    }
    return cursor ? cursor[name] : sent;
  };
  const from = filter('from');
  const to = filter('to');
  if (from && to && from > to) {
    throw new InvalidInputError([{ in: 'query', pointer: '#/to', detail: 'must not be before from' }]);
  }
  return { limit: query.limit ?? 50, from, to, after: cursor?.after };
}

/** Refuses the change when If-Match names another state of the order. */
function requireMatch(ifMatch: string | undefined, id: string) {
  return (current: OrderRow) => {
    if (!ifMatchHolds(ifMatch, etagOf(toApiOrder(current)))) throw new PreconditionFailedError(id);
  };
}

export function createOrderHandlers(repository: OrderRepository, idempotency: IdempotencyStore) {
  /** PUT and PATCH: `change` makes the new order of the current one, if If-Match allows. */
  async function updateOrder(
    request: RequestOf<'replaceOrder' | 'updateOrder'>,
    reply: FastifyReply,
    change: (current: OrderRow) => OrderInput,
  ): Promise<Schemas['Order']> {
    const { orderId } = request.params;
    const check = requireMatch(request.headers['if-match'], orderId);
    const row = await repository.update(BigInt(orderId), (current) => {
      check(current);
      return change(current);
    });
    if (!row) throw new NotFoundError('Order', orderId);
    const order = toApiOrder(row);
    reply.header('etag', etagOf(order));
    return order;
  }

  return {
    async listOrders(request) {
      const query = listQuery(request.query);
      // One row more than the page tells whether another page follows.
      const rows = await repository.list({ ...query, limit: query.limit + 1 });
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return {
        data: page.map(toApiOrder),
        nextCursor:
          rows.length > query.limit && last ? encodeCursor({ after: last, from: query.from, to: query.to }) : null,
      };
    },

    async createOrder(request, reply: FastifyReply) {
      const input = toOrderInput(request.body);
      const created = await createOnce(
        idempotency,
        claimOf(request, {
          ...input,
          datetime: input.datetime.toISOString(),
          serviceIds: input.serviceIds.map(String),
        }),
        (hooks) => repository.create(input, hooks),
        (row: OrderRow) => {
          const order = toApiOrder(row);
          return { status: 201, location: `/orders/${order.id}`, etag: etagOf(order), body: order };
        },
      );
      return sendCreated(reply, created);
    },

    async getOrder(request, reply: FastifyReply) {
      const row = await repository.get(BigInt(request.params.orderId));
      if (!row) throw new NotFoundError('Order', request.params.orderId);
      const order = toApiOrder(row);
      const etag = etagOf(order);
      reply.header('etag', etag);
      if (ifNoneMatchHits(request.headers['if-none-match'], etag)) {
        reply.code(304);
        return undefined;
      }
      return order;
    },

    async replaceOrder(request, reply: FastifyReply) {
      return updateOrder(request, reply, () => toOrderInput(request.body));
    },

    async updateOrder(request, reply: FastifyReply) {
      return updateOrder(request, reply, (current) => merged(current, request.body));
    },

    async deleteOrder(request, reply: FastifyReply) {
      const { orderId } = request.params;
      if (!(await repository.delete(BigInt(orderId), requireMatch(request.headers['if-match'], orderId)))) {
        throw new NotFoundError('Order', orderId);
      }
      reply.code(204);
      return undefined;
    },
  } satisfies Pick<
    Handlers,
    'listOrders' | 'createOrder' | 'getOrder' | 'replaceOrder' | 'updateOrder' | 'deleteOrder'
  >;
}
