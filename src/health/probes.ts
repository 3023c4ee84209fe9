// Liveness and readiness probes for orchestrators and load balancers.
import type { Handlers } from '../http/types.js';

export function createProbeHandlers(ping: () => Promise<void>) {
  return {
    async getHealth() {
      return { status: 'ok' as const };
    },

    // A failing ping throws the driver's error, which the error handler
    // recognises as "database unavailable" and answers with 503.
    async getReadiness() {
      await ping();
      return { status: 'ok' as const };
    },
  } satisfies Pick<Handlers, 'getHealth' | 'getReadiness'>;
}
