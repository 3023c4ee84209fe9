// The Redoc page at /docs, opened as a reviewer opens it: in a real headless
// Chromium (Debian's, driven by playwright-core; `npx playwright install`
// cannot download a browser here). It must render the operations, load
// nothing from outside the service's origin, log no console error and break
// no rule of the page's Content-Security-Policy (the browser enforces it and
// reports each violation). It must name the service it was served by (the
// port of this test, not 3000) as the endpoint's server. A screenshot of the
// createOrder 409 example is kept in test-artifacts/.
import { existsSync, mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import t from 'tap';
import { startService } from './helpers/server.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = new URL('../test-artifacts/', import.meta.url);
/** Flags that keep Chromium's own background traffic (Google hosts) off a closed network. */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** OpenTelemetry's default batch delay is 5 s; a second more for a busy machine. */
const TELEMETRY_BATCH_MS = 6_000;
/** Generous: Redoc renders 2.5 MB of script on two shared cores. */
const RENDER_TIMEOUT_MS = 120_000;

const skip = existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) to run the docs browser test`;

t.test('/docs renders createOrder and its 409 example, offline, without console errors', { skip }, async (t) => {
  const { directUrl } = await startService(t);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  t.teardown(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();

  // Every request of the page, its workers and its unload handlers.
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  // Every CSP violation in the page, as the browser reports it.
  const violations: string[] = [];
  await page.exposeFunction('reportCspViolation', (violation: string) => violations.push(violation));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { reportCspViolation(v: string): void }).reportCspViolation;
      report(
        `${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`,
      );
    });
  });

  // A deep link, as a reviewer would share it.
  const response = await page.goto(`${directUrl}/docs#/orders/createorder`);
  t.equal(response?.status(), 200);
  const csp = (await response?.allHeaders())?.['content-security-policy'] ?? '';
  t.match(csp, /^default-src 'none';/, 'the page is served with a Content-Security-Policy');
  t.match(csp, /script-src 'sha256-[^;]+;/, 'which allows only the scripts of the page, by hash');
  t.notMatch(csp, /unsafe-eval|script-src[^;]*unsafe-inline/, 'and neither eval nor inline scripts at large');
  const operation = page.locator('[id="orders/createorder"]');
  await operation.waitFor({ state: 'visible', timeout: RENDER_TIMEOUT_MS });
  await operation.getByRole('tab', { name: '409', exact: true }).first().click();
  const example = operation.locator('pre', { hasText: '/problems/order-conflict' });
  await example.waitFor({ state: 'visible', timeout: RENDER_TIMEOUT_MS });
  t.match(await example.textContent(), /"conflictingOrderIds"/, 'the 409 example names the conflicting orders');

  // The endpoint's server, as Redoc shows it when the endpoint is opened.
  t.not(new URL(directUrl).port, '3000', 'the service listens elsewhere than 3000');
  await operation
    .getByRole('button', { name: /post \/orders/i })
    .first()
    .click();
  const server = operation.getByText(`${directUrl}/orders`, { exact: true });
  await server.first().waitFor({ state: 'visible', timeout: RENDER_TIMEOUT_MS });
  t.pass(`the page names ${directUrl}/orders as the endpoint`);

  mkdirSync(ARTIFACTS, { recursive: true });
  await example.scrollIntoViewIfNeeded();
  await page.screenshot({ path: new URL('docs-createOrder-409.png', ARTIFACTS).pathname });

  // Redoc's telemetry, when it is on, batches its traces and sends them about
  // 5 s after load (checked: a page built with telemetry on fails here), and
  // again when the page closes. So watch the page a little longer, then close
  // it. This wait only widens what the test can see; nothing is timed.
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(TELEMETRY_BATCH_MS);
  await page.close({ runBeforeUnload: true });
  await context.close();

  const { origin } = new URL(directUrl);
  const outside = requests.filter((url) => !url.startsWith('data:') && new URL(url).origin !== origin);
  t.same(outside, [], 'no request outside the service origin');
  t.ok(requests.includes(`${directUrl}/docs`), 'the page itself was requested');
  t.same(consoleErrors, [], 'no console error');
  t.same(violations, [], 'no Content-Security-Policy violation');
});
