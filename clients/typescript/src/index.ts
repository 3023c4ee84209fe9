// The typed client that consumer teams install (`npm install
// order-service-client-<version>.tgz`, then `import { createOrdersClient } from
// '@order-service/client'`): openapi-fetch over the types that openapi-typescript
// generates from the contract, so paths, parameters, bodies and every
// declared response (errors included) are checked by the compiler. It adds
// no code of its own: what it sends and accepts is the spec.
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './api.js'; // generated/api.d.ts (see tsconfig.json)

export type { components, operations, paths };
export type OrdersClient = Client<paths>;
export type Order = components['schemas']['Order'];
export type OrderInput = components['schemas']['OrderInput'];
export type Service = components['schemas']['Service'];
export type Problem = components['schemas']['Problem'];
/** One change from GET /events; narrow on `type` to get the event type's own shape. */
export type Event = components['schemas']['Event'];
export type EventType = Event['type'];
export type EventPage = components['schemas']['EventPage'];

export interface OrdersClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** An API key of the service, sent as `Authorization: Bearer <token>`. */
  token?: string;
}

/** A client for the service at `baseUrl`, e.g. `http://127.0.0.1:3000`. */
export function createOrdersClient(baseUrl: string, { token, ...options }: OrdersClientOptions = {}): OrdersClient {
  const headers = token ? { ...options.headers, authorization: `Bearer ${token}` } : options.headers;
  return createClient<paths>({ ...options, headers, baseUrl });
}
