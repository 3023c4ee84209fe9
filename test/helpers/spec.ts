// The contract as the test helpers read it: openapi/openapi.yaml parsed
// once, typed as far as they walk it (OpenAPI 3.0), with the one resolver
// of local $refs and the one list of operations that the contract check,
// the fuzzers and the Prism routing share.
import { loadSpec, type OpenApiDocument } from '../../src/contract/spec.js';

export interface Ref {
  $ref: string;
}

/** The JSON Schema keywords (as OpenAPI 3.0 writes them) that the helpers read. */
export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  multipleOf?: number;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  properties?: Record<string, Schema>;
  required?: string[];
  nullable?: boolean;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: Schema;
}

export interface Header {
  required?: boolean;
  schema: Schema;
}

export interface Response {
  headers?: Record<string, Header | Ref>;
  content?: Record<string, { schema: Schema }>;
}

/** A set of credentials that together satisfy an operation; `{}` needs none. */
export type SecurityRequirement = Record<string, string[]>;

export interface SecurityScheme {
  type: string;
  in?: string;
  name?: string;
}

export interface OperationObject {
  operationId: string;
  parameters?: (Parameter | Ref)[];
  requestBody?: { content: Record<string, { schema: Schema }> } | Ref;
  responses: Record<string, Response | Ref>;
  security?: SecurityRequirement[];
}

export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type Method = (typeof METHODS)[number];

export type PathItem = { parameters?: (Parameter | Ref)[] } & { [M in Method]?: OperationObject };

export interface Spec {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, PathItem>;
  components: {
    schemas: Record<string, Schema>;
    securitySchemes?: Record<string, SecurityScheme>;
    [kind: string]: unknown;
  };
  security?: SecurityRequirement[];
}

/** The parsed document, seen through the types above. */
export const asSpec = (document: OpenApiDocument): Spec => document as unknown as Spec;

/** The parsed document as src/ types it (loosely). */
export const document: OpenApiDocument = loadSpec();
export const spec: Spec = asSpec(document);

/** One key of a JSON pointer, escaped (RFC 6901): "/orders/{orderId}" becomes "~1orders~1{orderId}". */
export const escapePointer = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');

/** The node a local JSON pointer ("/components/schemas/Order", with or without "#") names. */
export function at(pointer: string, document: Spec = spec): unknown {
  return pointer
    .replace(/^#/, '')
    .split('/')
    .slice(1)
    .reduce<unknown>(
      (node, key) => (node as Record<string, unknown> | undefined)?.[key.replaceAll('~1', '/').replaceAll('~0', '~')],
      document,
    );
}

const isRef = (node: unknown): node is Ref => typeof (node as Partial<Ref> | undefined)?.$ref === 'string';

/** Follows local $refs from `pointer`: the pointer of the node reached, and the node. */
export function deref<T>(pointer: string, document: Spec = spec): { pointer: string; node: T } {
  const node = at(pointer, document);
  return isRef(node) ? deref<T>(node.$ref.replace(/^#/, ''), document) : { pointer, node: node as T };
}

/** `node`, or what its local $ref (and theirs) names. */
export function resolve<T>(node: T | Ref, document: Spec = spec): T {
  return isRef(node) ? deref<T>(node.$ref.replace(/^#/, ''), document).node : node;
}

export interface SpecOperation {
  id: string;
  /** Upper case, as on the wire. */
  method: string;
  /** The path template, "/orders/{orderId}". */
  path: string;
  /** JSON pointer to the operation object, for ajv and for deref(). */
  pointer: string;
  operation: OperationObject;
  /** The path item's and the operation's parameters, resolved. */
  parameters: Parameter[];
  /** What the operation requires (its own `security`, else the document's); empty means nothing. */
  security: SecurityRequirement[];
}

/** Every operation of `document`, in the order the spec lists them. */
export function operationsOf(document: Spec = spec): SpecOperation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    // In the order the spec writes them; `parameters` is not a method.
    (Object.keys(item) as Method[])
      .filter((method) => METHODS.includes(method))
      .map((method) => {
        const operation = item[method]!;
        return {
          id: operation.operationId,
          method: method.toUpperCase(),
          path,
          pointer: `/paths/${escapePointer(path)}/${method}`,
          operation,
          parameters: [...(item.parameters ?? []), ...(operation.parameters ?? [])].map((p) => resolve(p, document)),
          security: operation.security ?? document.security ?? [],
        };
      }),
  );
}

export const operations: SpecOperation[] = operationsOf();

/**
 * Matches the concrete paths of a template. By default a parameter is one
 * or more characters; `{ emptyParameters: true }` also takes "/services/"
 * for "/services/{serviceId}", as Fastify routes it (with an empty id).
 */
export function pathPattern(template: string, { emptyParameters = false } = {}): RegExp {
  const parameter = emptyParameters ? '[^/]*' : '[^/]+';
  return new RegExp(`^${template.replace(/{\w+}/g, parameter).replaceAll('.', '\\.')}$`);
}
