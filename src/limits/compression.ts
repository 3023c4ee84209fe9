// Responses compressed with br or gzip when the client accepts them and they
// are large enough to pay (COMPRESSION_THRESHOLD_BYTES, 1 KiB by default):
// the docs page, the specification, pages of orders and services, large
// problems. Measured in docs/pending/limits.md.
//
// Not compressed:
// - responses with an ETag (single orders): a strong ETag names one
//   representation, and If-Match compares it byte for byte; a gzip variant
//   would need an ETag of its own. They are small anyway.
// - request bodies: no Content-Encoding is accepted (a compressed body could
//   inflate far past the 64 KiB body limit before it is counted).
import fastifyCompress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';

export async function registerCompression(app: FastifyInstance, thresholdBytes: number): Promise<void> {
  await app.register(fastifyCompress, {
    threshold: thresholdBytes,
    encodings: ['br', 'gzip'], // preferred first; brotli at quality 4 (the plugin's default) costs about gzip's CPU
    globalDecompression: false,
    // The plugin's own list (text/*, JSON, XML) plus the spec's YAML, which mime-db does not mark compressible.
    customTypes: /^text\/(?!event-stream)|[+/]json(?:;|$)|[+/]xml(?:;|$)|^application\/yaml(?:;|$)/u,
  });
  // Runs before the plugin's per-route onSend hook; its documented opt-out is this request header.
  app.addHook('onSend', async (request, reply) => {
    if (reply.hasHeader('etag')) request.headers['x-no-compression'] = 'etag';
  });
}
