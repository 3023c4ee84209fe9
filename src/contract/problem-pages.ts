// The pages that problem `type` URIs lead to (RFC 9457 §3.1.1: a type URI
// should resolve to documentation a person can read). The spec is the
// catalogue: every `/problems/<name>` it mentions gets a page, with the title
// and status of its examples and the description of the responses that carry
// it. A new problem type in the spec has a page without a line of code here.
import type { OpenApiDocument } from './spec.js';

export interface ProblemType {
  name: string;
  titles: Set<string>;
  statuses: Set<number>;
  descriptions: Set<string>;
}

const NAMED = /\/problems\/([a-z]+(?:-[a-z]+)*)/g;
const PROBLEM_JSON = 'application/problem+json';

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null;
const exampleValue = (example: unknown) => (isNode(example) ? example.value : undefined);

/** Every problem type the spec names, by name, each with what the spec says of it. */
export function problemTypesOf(spec: OpenApiDocument): Map<string, ProblemType> {
  const types = new Map<string, ProblemType>();
  const entry = (name: string) => {
    let type = types.get(name);
    if (!type) {
      type = { name, titles: new Set(), statuses: new Set(), descriptions: new Set() };
      types.set(name, type);
    }
    return type;
  };
  for (const [, name] of JSON.stringify(spec).matchAll(NAMED)) entry(name!);

  // Responses carrying problem+json: their examples give title and status,
  // and a response with one kind of problem describes exactly that kind.
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (!isNode(node)) return;
    const media = isNode(node.content) ? node.content[PROBLEM_JSON] : undefined;
    if (isNode(media)) {
      const examples = [
        media.example,
        ...Object.values(isNode(media.examples) ? media.examples : {}).map(exampleValue),
      ];
      const found = examples
        .filter(isNode)
        .filter((e) => typeof e.type === 'string' && e.type.startsWith('/problems/'));
      for (const example of found) {
        const type = entry(String(example.type).slice('/problems/'.length));
        if (typeof example.title === 'string') type.titles.add(example.title);
        if (typeof example.status === 'number') type.statuses.add(example.status);
        if (typeof node.description === 'string' && found.length === 1) type.descriptions.add(node.description.trim());
      }
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(spec.paths);
  visit(spec.components);
  return types;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** Escaped, with the spec's `code` spans kept as code. */
const prose = (markdown: string) => escapeHtml(markdown).replace(/`([^`]+)`/g, '<code>$1</code>');

/** The page for one problem type: plain HTML, no script, no style. */
export function problemPage(type: ProblemType): string {
  const title = [...type.titles][0] ?? type.name.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());
  const statuses = [...type.statuses].sort().join(' or ');
  const answered = statuses ? `, answered with HTTP status ${statuses}` : '';
  const descriptions = [...type.descriptions].map((d) => `<p>${prose(d)}</p>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)} · Order service problem types</title>
<link rel="icon" href="data:,">
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>The problem type <code>/problems/${escapeHtml(type.name)}</code>${answered}.</p>
${descriptions}
<p>Every error is an <code>application/problem+json</code> body (RFC 9457); branch on its <code>type</code>.
See <a href="/docs#section/Errors">Errors in the API documentation</a>.</p>
</body>
</html>
`;
}

/** What these pages may load: nothing but their empty favicon. */
export const PROBLEM_PAGE_CSP =
  "default-src 'none'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
