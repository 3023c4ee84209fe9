// Whether traces are wanted: an OTLP endpoint is set (the standard
// variable, or its traces-only form) and the SDK is not disabled. Kept apart
// from provider.ts so that reading the configuration loads no SDK.
export function tracingRequested(env: Record<string, string | undefined>): boolean {
  if (env.OTEL_SDK_DISABLED === 'true') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}
