// The limits added for robustness are configuration like the rest: sensible
// defaults, and a bad value stops the service with a message naming it.
import t from 'tap';
import { loadConfig } from '../src/config.js';

t.test('defaults: requests answered within 8 s, shutdown within 9 s', async (t) => {
  const config = loadConfig({});
  t.same(config.http, { requestTimeoutMs: 10_000, keepAliveTimeoutMs: 72_000, handlerTimeoutMs: 8_000 });
  t.equal(config.shutdownTimeoutMs, 9_000);
});

t.test('HANDLER_TIMEOUT_MS and SHUTDOWN_TIMEOUT_MS are read from the environment', async (t) => {
  const config = loadConfig({ HANDLER_TIMEOUT_MS: '2500', SHUTDOWN_TIMEOUT_MS: '20000' });
  t.equal(config.http.handlerTimeoutMs, 2500);
  t.equal(config.shutdownTimeoutMs, 20_000);
});

for (const [name, value] of [
  ['HANDLER_TIMEOUT_MS', '0'],
  ['HANDLER_TIMEOUT_MS', 'soon'],
  ['SHUTDOWN_TIMEOUT_MS', '-1'],
] as const) {
  t.test(`${name}=${value} is refused`, async (t) => {
    t.throws(() => loadConfig({ [name]: value }), new RegExp(`${name} must be an integer`));
  });
}
