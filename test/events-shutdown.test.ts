// SIGTERM with event streams open: the process ends them first (clients see
// the end and reconnect), so it still exits 0 within its shutdown deadline
// rather than waiting for streams that never end by themselves.
import t from 'tap';
import { serviceDatabase, startServiceProcess } from './helpers/service-process.js';
import { openStream } from './helpers/sse.js';

t.test('SIGTERM with open streams: they end, and the process exits 0 within SHUTDOWN_TIMEOUT_MS', async (t) => {
  const database = await serviceDatabase(t);
  const service = await startServiceProcess(t, { ...database.env, SHUTDOWN_TIMEOUT_MS: '9000' });
  const streams = [await openStream(service.url, '/events/stream'), await openStream(service.url, '/events/stream')];
  for (const stream of streams) await stream.until(() => stream.comments.includes('connected'), 'connected');

  const signalledAt = Date.now();
  service.kill('SIGTERM');
  const exit = await service.exited;
  t.same(exit, { code: 0, signal: null }, 'exit 0, not the deadline’s exit 1');
  t.ok(Date.now() - signalledAt < 9000, `within the deadline (${Date.now() - signalledAt} ms)`);
  for (const stream of streams) await stream.until(() => stream.ended, 'the stream ended', 10_000);
  t.ok(streams.every((s) => s.ended));
});
