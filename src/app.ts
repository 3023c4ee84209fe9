// Builds the HTTP application from the contract: routes and validation come
// from openapi/openapi.yaml through fastify-openapi-glue, handlers are plain
// functions named after operationIds. It never listens (src/server.ts does).
import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import openapiGlue from 'fastify-openapi-glue';
import { BODY_LIMIT_BYTES, type Config } from './config.js';
import { loadSpec } from './contract/spec.js';
import type { DatabaseHandle } from './db/client.js';
import { useStrictJsonBodies } from './http/json-body.js';
import { registerMethodNotAllowed } from './http/method-not-allowed.js';
import { createErrorHandler, notFoundHandler } from './http/problem.js';
import { serverOptions } from './http/server-options.js';
import { InvalidInputError } from './domain/errors.js';
import { createHandlers } from './handlers.js';
import { createRequestValidation } from './http/validation.js';

export interface AppOptions {
  database: DatabaseHandle;
  http?: Partial<Config['http']>;
  logger?: FastifyServerOptions['logger'];
  docsPath?: string;
}

export async function buildApp({ database, http = {}, logger = false, docsPath }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger,
    bodyLimit: BODY_LIMIT_BYTES,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    ...serverOptions(http),
  });

  const validation = createRequestValidation();
  app.setValidatorCompiler(validation.compiler);
  app.setErrorHandler(createErrorHandler(validation));
  app.setNotFoundHandler(notFoundHandler);
  // Only JSON bodies: without this, text/plain would be parsed as a string.
  app.removeContentTypeParser('text/plain');
  useStrictJsonBodies(app);
  // Fastify skips body validation when there is no body at all; the spec
  // makes every request body required.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.routeOptions.schema?.body) {
      throw new InvalidInputError([{ in: 'body', pointer: '#', detail: 'is required; send a JSON document' }]);
    }
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  const spec = loadSpec();
  await app.register(swagger, { mode: 'static', specification: { document: spec as never } });

  const handlers = createHandlers(
    database,
    { json: () => app.swagger() as unknown as Record<string, unknown>, yaml: () => app.swagger({ yaml: true }) },
    docsPath,
  );
  await app.register(openapiGlue, { specification: spec, serviceHandlers: handlers });
  registerMethodNotAllowed(app, spec);
  return app;
}
