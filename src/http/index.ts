// The HTTP lifecycle: everything a request meets between the socket and its
// handler, and on the way back, registered from here in the order it meets
// it. The folders are the stages; each file is one step of its stage.
//
//   socket/      Node's server: timeouts, body limit, what its parser refuses, Expect
//   on-request/  Host required, request id, routing (404, 405), authentication
//   body/        which bodies are read, parsed strictly as UTF-8 JSON
//   validation/  the spec's schemas, a body required and of a declared type
//   handler/     the deadline every answer keeps
//   errors/      every refusal as a problem: one table, one builder
//   response/    the headers every answer carries
import type { FastifyInstance } from 'fastify';
import type { OpenApiDocument } from '../contract/spec.js';
import { registerBodyParsers } from './body/parsers.js';
import { ignoreUndeclaredBody } from './body/undeclared-body.js';
import { createErrorHandler } from './errors/error-handler.js';
import { enforceHandlerDeadline } from './handler/deadline.js';
import { authenticateBeforeBody } from './on-request/authentication.js';
import { requireHost } from './on-request/host-header.js';
import { noteRefusedRequestId } from './on-request/request-id.js';
import { registerRouting } from './on-request/routing.js';
import { addResponseHeaders } from './response/headers.js';
import { handleExpectations } from './socket/expect-continue.js';
import { createRequestValidation } from './validation/compiler.js';
import { requireDeclaredBody } from './validation/declared-body.js';

export { DEFAULT_HTTP, serverOptions as httpServerOptions } from './socket/server-options.js';

export interface HttpLifecycleOptions {
  spec: OpenApiDocument;
  /** Every request is answered within this (HANDLER_TIMEOUT_MS). */
  handlerTimeoutMs: number;
  /** Registers the operations' routes (fastify-openapi-glue) in `scope`, where authentication comes before the body. */
  operations: (scope: FastifyInstance) => Promise<void>;
}

/** The stages after Fastify() was built with httpServerOptions() (the socket stage's settings). */
export async function registerHttpLifecycle(
  app: FastifyInstance,
  { spec, handlerTimeoutMs, operations }: HttpLifecycleOptions,
): Promise<void> {
  // Socket and parser: `Expect` is answered once the headers have passed every check.
  handleExpectations(app);
  // onRequest, in this order. The deadline starts here: a slow body counts too.
  app.addHook('onRequest', requireHost);
  app.addHook('onRequest', noteRefusedRequestId);
  enforceHandlerDeadline(app, handlerTimeoutMs);
  // Body: an operation without one ignores it (decided in onRequest); the rest are parsed strictly.
  app.addHook('onRequest', ignoreUndeclaredBody);
  registerBodyParsers(app, spec);
  // Validation against the spec; a declared body is required and of a declared media type.
  const validation = createRequestValidation();
  app.setValidatorCompiler(validation.compiler);
  app.addHook('preValidation', requireDeclaredBody);
  // Errors, wherever they arise, and the headers of every answer.
  app.setErrorHandler(createErrorHandler(validation));
  addResponseHeaders(app);
  // Routing: 404 and 405 for what no operation takes; the operations in a
  // scope of their own, so that moving security handlers before the body
  // touches nothing else.
  registerRouting(app, spec);
  await app.register(async (scope) => {
    scope.addHook('onRoute', authenticateBeforeBody);
    await operations(scope);
  });
}
