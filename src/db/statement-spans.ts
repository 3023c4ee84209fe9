// Spans for statements and transactions, opened by observed-driver.ts:
// neither driver has OpenTelemetry instrumentation, and Drizzle 0.45's
// built-in tracer is never switched on (its handle on the API is never set).
// Outside a traced request, or with tracing off, asking costs one look at
// the active context.
import { type Context, context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = () => trace.getTracer('order-service.db');

/** A span under the active span; none when no traced request runs. */
function childSpan(
  describe: () => { name: string; attributes: Record<string, string> },
): { span: Span; ctx: Context } | undefined {
  const parent = context.active();
  if (trace.getSpan(parent) === undefined) return undefined;
  const { name, attributes } = describe();
  const span = tracer().startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
  return { span, ctx: trace.setSpan(parent, span) };
}

export function endSpan(span: Span | undefined, error?: unknown): void {
  if (!span) return;
  if (error !== undefined) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
  }
  span.end();
}

/** A statement's span: named by its operation, with its text (placeholders, never the values). */
export function statementSpan(text: string) {
  return childSpan(() => {
    const operation = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'postgresql';
    const attributes = { 'db.system.name': 'postgresql', 'db.operation.name': operation, 'db.query.text': text };
    return { name: operation, attributes };
  });
}

/** A transaction's span: the statements run inside it become its children. */
export function transactionSpan() {
  return childSpan(() => ({ name: 'transaction', attributes: { 'db.system.name': 'postgresql' } }));
}
