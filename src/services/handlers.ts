// One thin handler per service-catalogue operation.
import type { FastifyReply } from 'fastify';
import { NotFoundError } from '../domain/errors.js';
import type { Handlers, Schemas } from '../http/types.js';
import type { ServiceRepository, ServiceRow } from './repository.js';

const toApiService = (row: ServiceRow): Schemas['Service'] => ({ id: row.id.toString(), name: row.name });

export function createServiceHandlers(repository: ServiceRepository) {
  return {
    async listServices() {
      return { data: (await repository.list()).map(toApiService) };
    },

    async createService(request, reply: FastifyReply) {
      const service = toApiService(await repository.create(request.body.name));
      reply.code(201).header('location', `/services/${service.id}`);
      return service;
    },

    async getService(request) {
      const row = await repository.get(BigInt(request.params.serviceId));
      if (!row) throw new NotFoundError('Service', request.params.serviceId);
      return toApiService(row);
    },

    async replaceService(request) {
      const row = await repository.rename(BigInt(request.params.serviceId), request.body.name);
      if (!row) throw new NotFoundError('Service', request.params.serviceId);
      return toApiService(row);
    },

    async deleteService(request, reply: FastifyReply) {
      if (!(await repository.delete(BigInt(request.params.serviceId)))) {
        throw new NotFoundError('Service', request.params.serviceId);
      }
      reply.code(204);
      return undefined;
    },
  } satisfies Pick<Handlers, 'listServices' | 'createService' | 'getService' | 'replaceService' | 'deleteService'>;
}
