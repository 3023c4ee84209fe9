// Request and reply types for each operation, derived from the contract in
// generated/api.d.ts: a handler cannot read a field the spec does not
// declare, nor answer with a body of the wrong shape.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { components, operations } from '../../generated/api.js';

export type Schemas = components['schemas'];
export type OperationId = keyof operations;

type Operation<O extends OperationId> = operations[O];
type BodyOf<T> = T extends { content: infer C } ? C[keyof C] : never;
type PartOf<O extends OperationId, K extends 'path' | 'query'> = Operation<O>['parameters'] extends {
  [P in K]?: infer V;
}
  ? NonNullable<V>
  : never;
type Responses<O extends OperationId> = Operation<O>['responses'];
type SuccessStatus<O extends OperationId> = Extract<keyof Responses<O>, 200 | 201 | 202 | 204 | 304>;

export type RequestOf<O extends OperationId> = FastifyRequest<{
  Body: BodyOf<NonNullable<Operation<O>['requestBody']>>;
  Params: PartOf<O, 'path'>;
  Querystring: PartOf<O, 'query'>;
  // Headers stay Node's lower-cased IncomingHttpHeaders; the spec names them in their canonical case.
}>;

/** The body of an operation's success response (undefined for 204 and 304). */
export type SuccessBody<O extends OperationId> = {
  [S in SuccessStatus<O>]: Responses<O>[S] extends { content: infer C } ? C[keyof C] : undefined;
}[SuccessStatus<O>];

export type Handler<O extends OperationId> = (request: RequestOf<O>, reply: FastifyReply) => Promise<SuccessBody<O>>;

/** One handler per operationId in the spec: a missing one is a compile error. */
export type Handlers = { [O in OperationId]: Handler<O> };
