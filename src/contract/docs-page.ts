// The Redoc page at /docs (built by openapi/build-docs.ts) and the
// Content-Security-Policy it is served with. The page is self-contained, so
// the policy allows nothing from elsewhere and, of scripts, only the page's
// own inline ones, by their SHA-256: a script injected into the page (by a
// spec text Redoc failed to escape, say) does not run. Computed from the page
// as read, so a rebuilt page never goes out with stale hashes.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

export interface DocsPage {
  html: string;
  csp: string;
}

// What the browser runs as one inline script: everything up to the first </script>.
const INLINE_SCRIPT = /<script\b[^>]*>([\s\S]*?)<\/script\s*>/gi;

export function docsPolicy(html: string): string {
  const hashes = [...html.matchAll(INLINE_SCRIPT)].map(
    ([, body]) => `'sha256-${createHash('sha256').update(body!, 'utf8').digest('base64')}'`,
  );
  return [
    "default-src 'none'",
    `script-src ${hashes.join(' ')}`,
    // Redoc runs its search index in a worker made from a blob: URL.
    'worker-src blob:',
    // styled-components writes <style> elements at run time; no hash can name them.
    "style-src 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export async function readDocsPage(path: string): Promise<DocsPage> {
  const html = await readFile(path, 'utf8');
  return { html, csp: docsPolicy(html) };
}
