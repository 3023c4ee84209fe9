// Publishes every event to NATS JetStream (EVENTS_NATS_URL), from the same
// feed the webhooks follow, with a cursor of its own (sink "nats"): subject
// `<prefix>.<type>`, `Nats-Msg-Id` = the event id, so the stream discards a
// message published twice (after a crash between the ack and the cursor
// update, or a timed-out ack that did land). The cursor moves only after
// every ack of a batch; while NATS is away nothing moves, and the events
// go out, in order, once it is back.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import { connect, type JetStreamClient, type NatsConnection } from 'nats';
import { backgroundLoop } from '../background/loop.js';
import type { Database } from '../db/client.js';
import { EventsPurgedError } from '../domain/errors.js';
import { readEvents } from '../events/feed.js';
import { type Position, parsePosition } from '../events/position.js';
import type { BrokerSettings } from './settings.js';
import { advance, releaseLease, takeLease } from './sink-lease.js';

const SINK = 'nats';
const BATCH = 100;
const ACK_TIMEOUT_MS = 2000;
// Far longer than a batch takes while NATS answers: the lease only runs out when its holder died.
const LEASE_MS = 15_000;

export function createNatsPublisher(
  db: Database,
  settings: BrokerSettings & { natsUrl: string },
  log: FastifyBaseLogger,
) {
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  let nats: NatsConnection | undefined;
  let jetstream: JetStreamClient | undefined;

  async function client(): Promise<JetStreamClient> {
    if (nats && !nats.isClosed() && jetstream) return jetstream;
    // Reconnects by itself for ever once connected; a first connection that fails is tried again next round.
    await nats?.close().catch(() => {});
    nats = await connect({
      servers: settings.natsUrl,
      name: 'order-service',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      timeout: ACK_TIMEOUT_MS,
    });
    try {
      const manager = await nats.jetstreamManager();
      await manager.streams
        .info(settings.stream)
        .catch(() => manager.streams.add({ name: settings.stream, subjects: [`${settings.subjectPrefix}.>`] }));
      jetstream = nats.jetstream();
      return jetstream;
    } catch (error) {
      // No JetStream, or a stream that cannot be made: close this connection, or each round would leak one.
      await nats.close().catch(() => {});
      nats = undefined;
      throw error;
    }
  }

  async function read(after: Position | undefined) {
    try {
      return await readEvents(db, { after, limit: BATCH });
    } catch (error) {
      // Behind the events kept (stopped longer than the retention): what was purged cannot be published.
      if (!(error instanceof EventsPurgedError)) throw error;
      return readEvents(db, { after: parsePosition(error.feedStart), limit: BATCH });
    }
  }

  /** Publishes the next batch; true when more events are ready now. */
  async function publishOnce(): Promise<boolean> {
    const js = await client();
    const lease = await takeLease(db, SINK, owner, LEASE_MS);
    if (!lease) return false;
    const page = await read(lease.position);
    // Sent in order on one connection; the cursor moves only when every ack is in.
    await Promise.all(
      page.events.map((event) =>
        js.publish(`${settings.subjectPrefix}.${event.type}`, JSON.stringify(event), {
          msgID: event.id,
          timeout: ACK_TIMEOUT_MS,
        }),
      ),
    );
    if (page.events.length === 0) return false;
    return (await advance(db, SINK, owner, LEASE_MS, page.next)) && page.hasMore;
  }

  const loop = backgroundLoop(
    async () => {
      while (!loop.stopped && (await publishOnce())) {}
    },
    settings.pollIntervalMs,
    log,
    'publishing events to NATS failed; retrying',
  );

  return {
    start: loop.wake,
    wake: loop.wake,
    async stop(): Promise<void> {
      await loop.stop();
      await nats?.close();
      await releaseLease(db, SINK, owner).catch(() => undefined);
    },
  };
}
