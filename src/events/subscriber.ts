// One stream's end of the hub: what it has been sent up to (its position),
// its filters, and the bytes it is sent as Server-Sent Events. A subscriber
// that lets more than its buffer bound pile up unsent is disconnected: it
// resumes with Last-Event-ID, rather than the process buffering without end.

import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { FeedQuery } from './feed.js';
import { comparePositions, type Position } from './position.js';
import type { Event } from './types.js';

/** An event as the hub hands it to every subscriber: parsed and framed once. */
export interface Framed {
  event: Event;
  position: Position;
  frame: string;
}

export const frameOf = (event: Event, position: Position): Framed => ({
  event,
  position,
  frame: `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`,
});

/** How long a stream that is ended may take to flush what it was sent before it is cut. */
const END_GRACE_MS = 1000;

export class Subscriber {
  closed = false;
  private readonly types: ReadonlySet<string> | undefined;

  constructor(
    readonly response: ServerResponse,
    readonly key: string,
    public position: Position,
    private readonly filters: Pick<FeedQuery, 'types' | 'orderId'>,
    private readonly bufferBytes: number,
  ) {
    this.types = filters.types && new Set(filters.types);
    response.once('close', () => (this.closed = true));
  }

  private matches({ event }: Framed): boolean {
    if (this.types && !this.types.has(event.type)) return false;
    return (
      this.filters.orderId === undefined ||
      ('version' in event.data && event.data.object.id === this.filters.orderId.toString())
    );
  }

  /**
   * Sends what follows its position, live: never waits. A client that has not
   * taken what it was sent before (more than the bound still unsent) cannot
   * keep up: disconnected. So a subscriber holds at most the bound and one page.
   */
  deliver(events: readonly Framed[]): void {
    if (this.response.writableLength > this.bufferBytes) {
      this.disconnect();
      return;
    }
    for (const framed of events) {
      if (this.closed) return;
      if (comparePositions(framed.position, this.position) <= 0) continue; // sent while catching up
      this.position = framed.position;
      if (this.matches(framed)) this.response.write(framed.frame);
    }
  }

  /** Sends a page while catching up, waiting up to `timeoutMs` for the client to take it. */
  async catchUp(events: readonly Framed[], timeoutMs: number): Promise<void> {
    this.deliver(events);
    if (this.closed || !this.response.writableNeedDrain) return;
    const signal = AbortSignal.timeout(timeoutMs);
    await once(this.response, 'drain', { signal }).catch(() => this.disconnect());
  }

  comment(text: string): void {
    if (this.response.writableLength > this.bufferBytes) this.disconnect();
    else if (!this.closed) this.response.write(`: ${text}\n\n`);
  }

  disconnect(): void {
    this.closed = true;
    this.response.destroy();
  }

  /** Ends the stream cleanly (shutdown): the client sees the end and reconnects elsewhere. */
  end(): void {
    this.closed = true;
    this.response.end();
    // A client that stopped reading never lets the end go out: cut it, so that the shutdown is not held.
    setTimeout(() => this.response.writableFinished || this.response.destroy(), END_GRACE_MS).unref();
  }
}
