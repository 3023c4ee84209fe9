// One thin handler per order operation: HTTP in, a read or a write, HTTP out.
import type { FastifyReply } from 'fastify';
import { parseDateTime } from '../domain/datetime.js';
import { InvalidInputError, NotFoundError } from '../domain/errors.js';
import type { Handlers, RequestOf, Schemas } from '../http/types.js';
import { claimOf, sendCreated } from '../idempotency/http.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { etagOf, ifNoneMatchHits } from './etag.js';
import type { OrderRepository, OrderRow } from './repository.js';
import { toApiOrder, toOrderInput } from './representation.js';
import type { OrderWrites } from './writes.js';

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

/** A PUT's or PATCH's answer: the order with its ETag. */
function changed(reply: FastifyReply, orderId: string, row: OrderRow | undefined): Schemas['Order'] {
  if (!row) throw new NotFoundError('Order', orderId);
  const order = toApiOrder(row);
  reply.header('etag', etagOf(order));
  return order;
}

/**
 * Order reads: `lagging` may run on a replica, `current` always sees the
 * latest commit (the primary; both are the same without replicas).
 */
export interface OrderReads {
  lagging: OrderRepository;
  current: OrderRepository;
}

export function createOrderHandlers({ lagging, current }: OrderReads, writes: OrderWrites) {
  return {
    async listOrders(request) {
      const query = listQuery(request.query);
      // One row more than the page tells whether another page follows.
      const rows = await lagging.list({ ...query, limit: query.limit + 1 });
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
      // What the request asks for, normalised (the datetime as the instant
      // it names), so that two bodies asking for the same are one request.
      const asked = { ...input, datetime: input.datetime.toISOString(), serviceIds: input.serviceIds.map(String) };
      return sendCreated(reply, await writes.create(input, claimOf(request, asked)));
    },

    async getOrder(request, reply: FastifyReply) {
      // A revalidation (If-None-Match) reads the primary: a client that has
      // just changed the order must not be told 304 by a replica behind it.
      const ifNoneMatch = request.headers['if-none-match'];
      const row = await (ifNoneMatch === undefined ? lagging : current).get(BigInt(request.params.orderId));
      if (!row) throw new NotFoundError('Order', request.params.orderId);
      const order = toApiOrder(row);
      const etag = etagOf(order);
      reply.header('etag', etag);
      if (ifNoneMatchHits(ifNoneMatch, etag)) {
        reply.code(304);
        return undefined;
      }
      return order;
    },

    async replaceOrder(request, reply: FastifyReply) {
      const { orderId } = request.params;
      const input = toOrderInput(request.body);
      return changed(reply, orderId, await writes.replace(BigInt(orderId), input, request.headers['if-match']));
    },

    async updateOrder(request, reply: FastifyReply) {
      const { orderId } = request.params;
      return changed(reply, orderId, await writes.patch(BigInt(orderId), request.body, request.headers['if-match']));
    },

    async deleteOrder(request, reply: FastifyReply) {
      const { orderId } = request.params;
      if (!(await writes.delete(BigInt(orderId), request.headers['if-match']))) {
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
