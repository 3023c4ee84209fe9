// fastify-openapi-glue runs an operation's security handler as a
// preHandler, i.e. after the body has been read and validated. Moved to
// onRequest, it answers an unauthenticated request with 401 before its body
// is read, and never tells it whether its body was valid. This onRoute hook
// is added only in the scope that holds the glue's routes (index.ts): there,
// the only preHandler is the security handler.
import type { RouteOptions } from 'fastify';

const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

export function authenticateBeforeBody(route: RouteOptions): void {
  if (!route.preHandler) return;
  route.onRequest = [...asList(route.onRequest), ...asList(route.preHandler)] as RouteOptions['onRequest'];
  route.preHandler = undefined;
}
