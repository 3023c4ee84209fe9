// A Server-Sent Events client over a real socket, for the event stream:
// it keeps every event and comment it received, and waits for conditions
// with generous deadlines (never a fixed sleep).
import { type IncomingHttpHeaders, request } from 'node:http';

export interface StreamedEvent {
  id: string;
  event: string;
  data: string;
}

export interface EventStream {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body, when the answer was not a stream (a problem). */
  body: string;
  events: StreamedEvent[];
  comments: string[];
  ended: boolean;
  /** Stops reading (the socket stays open): a slow subscriber. */
  pause(): void;
  /** Reads again (a paused socket notices that the server closed it only once it reads). */
  resume(): void;
  close(): void;
  /** Resolves once `condition` holds; rejects after `timeoutMs`. */
  until(condition: () => boolean, what: string, timeoutMs?: number): Promise<void>;
}

/** Opens `path` on `baseUrl`; resolves when the status and headers arrived. */
export function openStream(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, baseUrl), { headers: { accept: 'text/event-stream', ...headers } });
    req.on('error', reject);
    req.on('response', (res) => {
      let buffer = '';
      const stream: EventStream = {
        status: res.statusCode!,
        headers: res.headers,
        body: '',
        events: [],
        comments: [],
        ended: false,
        pause: () => res.pause(),
        resume: () => res.resume(),
        close: () => req.destroy(),
        async until(condition, what, timeoutMs = 30_000) {
          const deadline = Date.now() + timeoutMs;
          while (!condition()) {
            if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
            await new Promise((done) => setTimeout(done, 10));
          }
        },
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (stream.status !== 200) {
          stream.body += chunk;
          return;
        }
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          parseBlock(buffer.slice(0, end), stream);
          buffer = buffer.slice(end + 2);
        }
      });
      const ended = () => (stream.ended = true);
      res.on('end', ended).on('close', ended).on('error', ended);
      resolve(stream);
    });
    req.end();
  });
}

function parseBlock(block: string, stream: EventStream): void {
  const fields: Record<string, string> = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) stream.comments.push(line.slice(1).trim());
    else {
      const colon = line.indexOf(':');
      fields[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, '');
    }
  }
  if (fields.data !== undefined)
    stream.events.push({ id: fields.id ?? '', event: fields.event ?? '', data: fields.data });
}
