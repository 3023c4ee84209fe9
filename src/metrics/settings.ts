// METRICS: where GET /metrics is served. `on` (the default): on the
// service's own port, open like the probes; `off`: nowhere, and nothing is
// measured; `port:NNNN`: on a port of its own (and 404 on the service's),
// for an operator who keeps the scrape off the public listener.
export type MetricsSetting = { mode: 'on' } | { mode: 'off' } | { mode: 'port'; port: number; host: string };

export const DEFAULT_METRICS: MetricsSetting = { mode: 'on' };

/** `host`: where a port of its own listens (the service's HOST). */
export function parseMetricsSetting(raw: string | undefined, host: string): MetricsSetting {
  if (raw === undefined || raw === '' || raw === 'on') return { mode: 'on' };
  if (raw === 'off') return { mode: 'off' };
  const port = /^port:(\d{1,5})$/.exec(raw)?.[1];
  if (port !== undefined && Number(port) >= 1 && Number(port) <= 65535)
    return { mode: 'port', port: Number(port), host };
  throw new Error(`METRICS must be on, off or port:NNNN (1 to 65535), got "${raw}"`);
}
