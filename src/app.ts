// Builds the HTTP application from the contract: routes and validation come
// from openapi/openapi.yaml through fastify-openapi-glue, handlers are plain
// functions named after operationIds. It never listens (src/server.ts does).
import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import openapiGlue from 'fastify-openapi-glue';
import { createBearerAuth } from './auth/api-keys.js';
import { type ApiKey, BODY_LIMIT_BYTES, type Config } from './config.js';
import { loadSpec, readSpecText } from './contract/spec.js';
import type { DatabaseHandle } from './db/client.js';
import { createHandlers } from './handlers.js';
import { enforceHandlerDeadline } from './http/deadline.js';
import { handleExpectations } from './http/expectations.js';
import { useStrictJsonBodies } from './http/json-body.js';
import { registerMethodNotAllowed } from './http/method-not-allowed.js';
import { createErrorHandler } from './http/problem.js';
import {
  authenticateBeforeBody,
  ignoreUndeclaredBody,
  refuseResponseOnlyMediaTypes,
  requireDeclaredBody,
} from './http/request-guards.js';
import { DEFAULT_HTTP, serverOptions } from './http/server-options.js';
import { createRequestValidation } from './http/validation.js';
import { createIdempotencyStore } from './idempotency/store.js';
import { registerCompression } from './limits/compression.js';
import { registerRateLimit } from './limits/rate-limit.js';
import { type LimitsOptions, resolveLimits } from './limits/settings.js';
import { boundSlowReaders } from './limits/slow-readers.js';

export interface AppOptions {
  database: DatabaseHandle;
  /** None: authentication is off. */
  apiKeys?: ApiKey[];
  http?: Partial<Config['http']>;
  logger?: FastifyServerOptions['logger'];
  docsPath?: string;
  /** Rate limits, compression, slow readers: src/limits/settings.ts (defaults there). */
  limits?: LimitsOptions;
}

// Expired idempotency keys are deleted this often (and once at start).
const PURGE_INTERVAL_MS = 15 * 60_000;

export async function buildApp({
  database,
  apiKeys = [],
  http = {},
  logger = false,
  docsPath,
  limits: limitOptions,
}: AppOptions): Promise<FastifyInstance> {
  const limits = { ...DEFAULT_HTTP, ...http };
  const app = Fastify({
    // Tokens never reach the logs, whatever serializer a log line uses.
    logger: logger && { ...(logger === true ? {} : logger), redact: ['req.headers.authorization'] },
    bodyLimit: BODY_LIMIT_BYTES,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    ...serverOptions(limits),
  });

  if (apiKeys.length === 0) {
    app.log.warn('API_KEYS is not set: authentication is off, every request is allowed');
  }

  const validation = createRequestValidation();
  app.setValidatorCompiler(validation.compiler);
  app.setErrorHandler(createErrorHandler(validation));
  enforceHandlerDeadline(app, limits.handlerTimeoutMs);
  handleExpectations(app);
  // Only JSON bodies: without this, text/plain would be parsed as a string.
  app.removeContentTypeParser('text/plain');
  // JSON, and PATCH's JSON Merge Patch, parsed strictly (UTF-8 only).
  useStrictJsonBodies(app);
  app.addHook('onRequest', ignoreUndeclaredBody);
  app.addHook('preValidation', requireDeclaredBody);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  const { rateLimit, compressionThresholdBytes, sendTimeoutMs } = resolveLimits(limitOptions);
  await registerRateLimit(app, rateLimit, apiKeys);
  await registerCompression(app, compressionThresholdBytes);
  boundSlowReaders(app, sendTimeoutMs);

  const specText = readSpecText();
  const spec = loadSpec(specText);
  refuseResponseOnlyMediaTypes(app, spec);
  await app.register(swagger, { mode: 'static', specification: { document: spec as never } });

  const idempotency = createIdempotencyStore(database.db);
  const purge = () =>
    idempotency
      .purgeExpired()
      .catch((error: unknown) => app.log.warn({ err: error }, 'purging idempotency keys failed'));
  const purgeTimer = setInterval(purge, PURGE_INTERVAL_MS).unref();
  app.addHook('onReady', async () => void purge());
  app.addHook('onClose', async () => clearInterval(purgeTimer));

  const handlers = createHandlers(
    database,
    idempotency,
    // The YAML goes out as written: re-serialised, it would lose its comments
    // and the quotes that keep example date-times strings for YAML 1.1 readers.
    { json: () => app.swagger() as unknown as Record<string, unknown>, yaml: () => specText },
    docsPath,
  );
  // The glue's routes get a scope of their own, so that moving security
  // handlers before the body is read touches nothing else.
  await app.register(async (operations) => {
    operations.addHook('onRoute', authenticateBeforeBody);
    await operations.register(openapiGlue, {
      specification: spec,
      serviceHandlers: handlers,
      securityHandlers: apiKeys.length > 0 ? { bearerAuth: createBearerAuth(apiKeys) } : undefined,
    });
  });
  registerMethodNotAllowed(app, spec);
  return app;
}
