// The breaking-change gate's rule, without I/O: which changes from the last
// released contract to the working spec break a consumer, and whether the
// working spec's major version allows them. api-smart-diff does the
// classification (request side: narrowing breaks; response side: removing
// breaks), resolving every $ref into the operations that use it.
import { apiCompare, DIFF_META_KEY, type Diff } from 'api-smart-diff';

export interface Spec {
  info: { version: string };
  [key: string]: unknown;
}

export interface BreakingChange {
  /** Where the change is, e.g. `paths./orders.post.responses.201`. */
  where: string;
  what: string;
}

export interface Verdict {
  ok: boolean;
  message: string;
  breaking: BreakingChange[];
}

/** A component reached by $ref shows up again under every path that uses it,
 * so only the copy there counts. Security schemes are referenced by name:
 * changing or removing one counts; adding one breaks nothing until an
 * operation requires it (which shows up under `security`). */
function counts(diff: Diff): boolean {
  if (diff.path[0] !== 'components') return true;
  return diff.path[1] === 'securitySchemes' && diff.action !== 'add';
}

/** Where api-smart-diff 1.0.6 misjudges. It judges a response header's
 * `required` as it would a request parameter's, the wrong way round: a
 * header the service stops promising breaks clients, one it starts
 * promising does not. */
function isBreaking(diff: Diff): boolean {
  const { path, before, after } = diff;
  if (path.at(-1) === 'required' && path.at(-3) === 'headers' && path.includes('responses')) {
    return before === true && after !== true;
  }
  // A scheme added to an existing security requirement (…security.<i>.<name>)
  // demands one more credential, which 1.0.6 calls non-breaking. A new
  // requirement object (…security.<i>) is an alternative and relaxes.
  if (diff.action === 'add' && path.at(-3) === 'security') return true;
  return diff.type === 'breaking';
}

// biome-ignore lint/suspicious/noExplicitAny: a walker over parsed YAML/JSON of any shape
type Json = Record<string | number, any>;
const inRequest = (path: Diff['path']) => path[0] === 'paths' && !path.includes('responses');

/**
 * An enum added to a request value where there was none narrows what clients
 * may send, but api-smart-diff 1.0.6 calls each new value "non-breaking" (it
 * does catch values removed from an existing enum). The enum is new when the
 * merged document marks every one of its values as added.
 */
function newRequestEnums(merged: Json, diffs: Diff[]): BreakingChange[] {
  const found = new Map<string, BreakingChange>();
  for (const diff of diffs) {
    if (diff.action !== 'add' || diff.path.at(-2) !== 'enum' || !inRequest(diff.path)) continue;
    const owner = diff.path.slice(0, -2).reduce<Json>((node, key) => node[key], merged);
    const added = Object.values<{ action: string }>(owner[DIFF_META_KEY]?.enum?.array ?? {}).filter(
      (m) => m.action === 'add',
    );
    if (added.length === owner.enum.length) {
      const where = diff.path.slice(0, -1).join('.');
      found.set(where, { where, what: `[Narrowed] request value restricted to ${JSON.stringify(owner.enum)}` });
    }
  }
  return [...found.values()];
}

export function breakingChanges(released: Spec, working: Spec): BreakingChange[] {
  const { diffs, merged } = apiCompare(released, working);
  const classified = diffs
    .filter((diff) => counts(diff) && isBreaking(diff))
    .map((diff) => ({ where: diff.path.join('.'), what: diff.description || `${diff.action} ${diff.path.at(-1)}` }));
  return [...classified, ...newRequestEnums(merged, diffs)];
}

export function majorOf(version: string): number {
  const match = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:[-+].*)?$/.exec(version);
  if (!match) throw new Error(`info.version "${version}" is not a semantic version`);
  return Number(match[1]);
}

const changes = (n: number) => (n === 1 ? '1 breaking change' : `${n} breaking changes`);

/** Breaking changes pass only with a new major version; a lower one never does. */
export function gate(released: Spec, working: Spec): Verdict {
  const from = majorOf(released.info.version);
  const to = majorOf(working.info.version);
  const breaking = breakingChanges(released, working);
  if (to < from) {
    return {
      ok: false,
      breaking,
      message: `info.version ${working.info.version} is below the released ${released.info.version}`,
    };
  }
  if (breaking.length === 0)
    return { ok: true, breaking, message: `no breaking change since ${released.info.version}` };
  if (to > from) {
    return {
      ok: true,
      breaking,
      message: `${changes(breaking.length)}, allowed by the new major version ${working.info.version}`,
    };
  }
  return {
    ok: false,
    breaking,
    message: `${changes(breaking.length)} since ${released.info.version} without a new major version: bump info.version to ${from + 1}.0.0 (and record it in CHANGELOG.md) or keep the old behaviour`,
  };
}
