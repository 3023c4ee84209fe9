// The one response type every helper hands a test (app.inject, Prism, fetch,
// a raw socket), and the generated types of the contract to read its body
// with: `api.get<Schemas['Order']>(url)` gives `res.body.totalfee` as a
// number; without a type argument the body is untyped, as it always was.
import type { operations } from '../../generated/api.js';
import type { OperationId } from '../../src/http/types.js';

export type { Schemas } from '../../src/http/types.js';

/** The body of a response whose test names no type, as before bodies were typed. */
// biome-ignore lint/suspicious/noExplicitAny: the one untyped body, for tests that name no type (see above)
export type Untyped = any;

export type ResponseHeaders = Record<string, string | string[] | number | undefined>;

export interface ApiResponse<Body = Untyped> {
  status: number;
  headers: ResponseHeaders;
  /**
   * Parsed JSON for JSON media types, text otherwise. Untyped when `Body` is
   * unknown: also where TypeScript erases a helper's type parameter, as in
   * `ReturnType<typeof api.post>`.
   */
  body: unknown extends Body ? Untyped : Body;
  /** The body as received. */
  text: string;
}

/** The body of operation `O`'s response `S` as the spec declares it: `ResponseBody<'createOrder', 409>`. */
export type ResponseBody<
  O extends OperationId,
  S extends keyof operations[O]['responses'],
> = operations[O]['responses'][S] extends { content: infer C } ? C[keyof C] : undefined;

/** A response from its status, headers and text, the body parsed when it is JSON. */
export function received(status: number, headers: ResponseHeaders, text: string): ApiResponse {
  const json = /json/.test(String(headers['content-type'] ?? '')) && text !== '';
  return { status, headers, body: json ? JSON.parse(text) : text, text };
}
