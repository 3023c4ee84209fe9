// One thin handler per service-catalogue operation.
import type { FastifyReply } from 'fastify';
import { NotFoundError } from '../domain/errors.js';
import type { Handlers } from '../http/types.js';
import { claimOf, sendCreated } from '../idempotency/http.js';
import { decodeServiceCursor, encodeServiceCursor } from './cursor.js';
import { assertShowableName } from './name.js';
import type { ServiceRepository } from './repository.js';
import { toApiService } from './representation.js';
import type { ServiceWrites } from './writes.js';

export function createServiceHandlers(repository: ServiceRepository, writes: ServiceWrites) {
  return {
    async listServices(request) {
      const limit = request.query.limit ?? 1000;
      const after = request.query.cursor === undefined ? undefined : decodeServiceCursor(request.query.cursor);
      const rows = await repository.list(limit + 1, after); // one more tells whether a next page exists
      const page = rows.slice(0, limit);
      const nextCursor = rows.length > limit ? encodeServiceCursor(page.at(-1)!.id) : null;
      return { data: page.map(toApiService), nextCursor };
    },

    async createService(request, reply: FastifyReply) {
      assertShowableName(request.body.name);
      return sendCreated(reply, await writes.create(request.body.name, claimOf(request, request.body)));
    },

    async getService(request) {
      const row = await repository.get(BigInt(request.params.serviceId));
      if (!row) throw new NotFoundError('Service', request.params.serviceId);
      return toApiService(row);
    },

    async replaceService(request) {
      assertShowableName(request.body.name);
      const row = await writes.rename(BigInt(request.params.serviceId), request.body.name);
      if (!row) throw new NotFoundError('Service', request.params.serviceId);
      return toApiService(row);
    },

    async deleteService(request, reply: FastifyReply) {
      if (!(await writes.delete(BigInt(request.params.serviceId)))) {
        throw new NotFoundError('Service', request.params.serviceId);
      }
      reply.code(204);
      return undefined;
    },
  } satisfies Pick<Handlers, 'listServices' | 'createService' | 'getService' | 'replaceService' | 'deleteService'>;
}
