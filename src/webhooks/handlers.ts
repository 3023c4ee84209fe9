// One thin handler per webhook operation.
import type { FastifyReply } from 'fastify';
import type { Database } from '../db/client.js';
import { NotFoundError } from '../domain/errors.js';
import { parsePosition } from '../events/position.js';
import { EVENT_TYPES } from '../events/types.js';
import type { Handlers } from '../http/types.js';
import { listAttempts, redeliver } from './attempts.js';
import { decodeListCursor, encodeListCursor } from './cursor.js';
import { checkedEndpointUrl } from './endpoint-url.js';
import { createEndpointStore } from './endpoints.js';
import type { WebhookSettings } from './settings.js';

type Ops =
  | 'listWebhookEndpoints'
  | 'createWebhookEndpoint'
  | 'getWebhookEndpoint'
  | 'deleteWebhookEndpoint'
  | 'rotateWebhookSecret'
  | 'listWebhookDeliveries'
  | 'retryWebhookDelivery';

/** `wake` tells this process's worker that a delivery is due now. */
export function createWebhookHandlers(db: Database, settings: Pick<WebhookSettings, 'allowedHosts'>, wake: () => void) {
  const endpoints = createEndpointStore(db);
  const notFound = (id: string) => new NotFoundError('Webhook endpoint', id);

  return {
    async listWebhookEndpoints(request) {
      const limit = request.query.limit ?? 50;
      const after = request.query.cursor === undefined ? undefined : decodeListCursor('endpoint', request.query.cursor);
      const found = await endpoints.list(limit + 1, after); // one more tells whether a next page exists
      const page = found.slice(0, limit);
      return { data: page, nextCursor: found.length > limit ? encodeListCursor('endpoint', page.at(-1)!.id) : null };
    },

    async createWebhookEndpoint(request, reply: FastifyReply) {
      const { url, eventTypes = [...EVENT_TYPES], description = '' } = request.body;
      const created = await endpoints.create(checkedEndpointUrl(url, settings.allowedHosts), eventTypes, description);
      reply.code(201).header('location', `/webhook-endpoints/${created.id}`);
      return created;
    },

    async getWebhookEndpoint(request) {
      const found = await endpoints.get(BigInt(request.params.endpointId));
      if (!found) throw notFound(request.params.endpointId);
      return found;
    },

    async deleteWebhookEndpoint(request, reply: FastifyReply) {
      if (!(await endpoints.delete(BigInt(request.params.endpointId)))) throw notFound(request.params.endpointId);
      reply.code(204);
      return undefined;
    },

    async rotateWebhookSecret(request) {
      const rotated = await endpoints.rotate(BigInt(request.params.endpointId));
      if (!rotated) throw notFound(request.params.endpointId);
      return rotated;
    },

    async listWebhookDeliveries(request) {
      const endpointId = BigInt(request.params.endpointId);
      if (!(await endpoints.get(endpointId))) throw notFound(request.params.endpointId);
      const limit = request.query.limit ?? 50;
      const before = request.query.cursor === undefined ? undefined : decodeListCursor('attempt', request.query.cursor);
      const found = await listAttempts(db, endpointId, limit + 1, before);
      const page = found.slice(0, limit);
      const nextCursor = found.length > limit ? encodeListCursor('attempt', page.at(-1)!.id) : null;
      return { data: page.map((row) => row.attempt), nextCursor };
    },

    async retryWebhookDelivery(request, reply: FastifyReply) {
      const { endpointId, eventId } = request.params;
      const position = parsePosition(eventId);
      const result = position ? await redeliver(db, BigInt(endpointId), position, eventId) : 'no-event';
      if (result === 'no-endpoint') throw notFound(endpointId);
      if (result === 'no-event') throw new NotFoundError('Event', eventId);
      wake();
      reply.code(202);
      return result;
    },
  } satisfies Pick<Handlers, Ops>;
}
