// A parser for the Prometheus text exposition format (version 0.0.4), so
// that tests read a scrape as samples with labels rather than grepping it.
// It refuses what the format does not allow, so a malformed scrape fails
// the test that reads it.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Scrape {
  /** `# TYPE` of each metric family. */
  types: Map<string, string>;
  samples: Sample[];
  /** The one sample of `name` with exactly these labels (others may not differ); undefined if none. */
  value(name: string, labels?: Record<string, string>): number | undefined;
  /** Every sample of `name`. */
  all(name: string): Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,)?/;

function unescapeLabel(value: string): string {
  return value.replace(/\\([\\"n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

// Values are read as Prometheus reads them (Go's ParseFloat): NaN and Inf in
// any case. prom-client writes NaN as "Nan" (an event-loop mean before its first sample).
function parseValue(raw: string, line: string): number {
  if (/^\+?inf$/i.test(raw)) return Number.POSITIVE_INFINITY;
  if (/^-inf$/i.test(raw)) return Number.NEGATIVE_INFINITY;
  if (/^nan$/i.test(raw)) return Number.NaN;
  const value = Number(raw);
  if (raw === '' || Number.isNaN(value)) throw new Error(`prometheus: bad value in ${JSON.stringify(line)}`);
  return value;
}

function parseSample(line: string): Sample {
  const name = NAME.exec(line)?.[0];
  if (!name) throw new Error(`prometheus: no metric name in ${JSON.stringify(line)}`);
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    while (!rest.startsWith('}')) {
      const match = LABEL.exec(rest);
      if (!match) throw new Error(`prometheus: bad labels in ${JSON.stringify(line)}`);
      if (match[1]! in labels) throw new Error(`prometheus: label ${match[1]} twice in ${JSON.stringify(line)}`);
      labels[match[1]!] = unescapeLabel(match[2]!);
      rest = rest.slice(match[0].length);
      if (!match[3] && !rest.startsWith('}')) throw new Error(`prometheus: bad labels in ${JSON.stringify(line)}`);
    }
    rest = rest.slice(1);
  }
  const [, raw, timestamp, extra] = rest.split(' ');
  if (!rest.startsWith(' ') || raw === undefined || extra !== undefined || (timestamp && !/^-?\d+$/.test(timestamp))) {
    throw new Error(`prometheus: bad sample ${JSON.stringify(line)}`);
  }
  return { name, labels, value: parseValue(raw, line) };
}

export function parsePrometheusText(text: string): Scrape {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
      if (type) types.set(type[1]!, type[2]!);
      else if (!/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* /.test(line)) throw new Error(`prometheus: bad comment ${line}`);
      continue;
    }
    samples.push(parseSample(line));
  }
  const same = (a: Record<string, string>, b: Record<string, string>) =>
    Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => a[k] === v);
  return {
    types,
    samples,
    value(name, labels = {}) {
      const found = samples.filter((s) => s.name === name && same(s.labels, labels));
      if (found.length > 1) throw new Error(`prometheus: ${found.length} samples of ${name} ${JSON.stringify(labels)}`);
      return found[0]?.value;
    },
    all: (name) => samples.filter((s) => s.name === name),
  };
}
