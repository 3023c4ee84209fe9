// Tracing on: an OpenTelemetry tracer provider, registered globally (its
// context manager is what carries a request's span down to its database
// statements), exporting over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT (the
// exporter reads that and the other standard OTEL_EXPORTER_OTLP_* variables
// itself). server.ts loads and starts it only when that endpoint is set
// (settings.ts); without it nothing of the SDK is loaded or registered (the
// API alone answers "no span" wherever asked).
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-node';

export interface Tracing {
  provider: NodeTracerProvider;
  /** Sends the spans still buffered, then stops. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /** Default: OTLP over HTTP, batched. A test passes an in-memory exporter, sent span by span. */
  exporter?: SpanExporter;
}

export function startTracing({ exporter }: TracingOptions = {}): Tracing {
  const provider = new NodeTracerProvider({
    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (envDetector) win over the default name.
    resource: defaultResource()
      .merge(resourceFromAttributes({ 'service.name': 'order-service' }))
      .merge(detectResources({ detectors: [envDetector] })),
    spanProcessors: [exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register();
  return { provider, shutdown: () => provider.shutdown() };
}
