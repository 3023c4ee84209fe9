// One thin handler per order operation: HTTP in, repository call, HTTP out.
// The mapping between database rows and the contract's shapes lives here.
import type { FastifyReply } from 'fastify';
import { formatDateTime, parseDateTime } from '../domain/datetime.js';
import { InvalidInputError, NotFoundError } from '../domain/errors.js';
import type { Handlers, RequestOf, Schemas } from '../http/types.js';
import { decodeCursor, encodeCursor } from './cursor.js';
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

function listQuery(query: RequestOf<'listOrders'>['query']) {
  const from = query.from === undefined ? undefined : parseDateTime(query.from)!;
  const to = query.to === undefined ? undefined : parseDateTime(query.to)!;
  if (from && to && from > to) {
    throw new InvalidInputError([{ in: 'query', pointer: '#/to', detail: 'must not be before from' }]);
  }
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  return { limit: query.limit ?? 50, from, to, after };
}

export function createOrderHandlers(repository: OrderRepository) {
  return {
    async listOrders(request) {
      const query = listQuery(request.query);
      // One row more than the page tells whether another page follows.
      const rows = await repository.list({ ...query, limit: query.limit + 1 });
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return {
        data: page.map(toApiOrder),
        nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null,
      };
    },

    async createOrder(request, reply: FastifyReply) {
      const order = toApiOrder(await repository.create(toOrderInput(request.body)));
      reply.code(201).header('location', `/orders/${order.id}`);
      return order;
    },

    async getOrder(request) {
      const row = await repository.get(BigInt(request.params.orderId));
      if (!row) throw new NotFoundError('Order', request.params.orderId);
      return toApiOrder(row);
    },

    async replaceOrder(request) {
      const row = await repository.replace(BigInt(request.params.orderId), toOrderInput(request.body));
      if (!row) throw new NotFoundError('Order', request.params.orderId);
      return toApiOrder(row);
    },

    async deleteOrder(request, reply: FastifyReply) {
      if (!(await repository.delete(BigInt(request.params.orderId)))) {
        throw new NotFoundError('Order', request.params.orderId);
      }
      reply.code(204);
      return undefined;
    },
  } satisfies Pick<Handlers, 'listOrders' | 'createOrder' | 'getOrder' | 'replaceOrder' | 'deleteOrder'>;
}
