// Background work that runs now and then: `cycle` every `intervalMs`, and
// at once when woken (a commit, a retry by hand); never two cycles at once;
// stopped with the app, after the cycle in progress.
import type { FastifyBaseLogger } from 'fastify';

export interface Loop {
  wake(): void;
  stop(): Promise<void>;
}

export function backgroundLoop(
  cycle: () => Promise<void>,
  intervalMs: number,
  log: FastifyBaseLogger,
  failure: string,
): Loop & { readonly stopped: boolean } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  function wake(): void {
    if (stopped) return;
    if (running) {
      again = true; // woken mid-cycle: what woke it may have come too late for this one
      return;
    }
    clearTimeout(timer);
    running = cycle()
      .catch((error: unknown) => log.warn({ err: error }, failure))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          wake();
        } else if (!stopped) timer = setTimeout(wake, intervalMs);
      });
  }

  return {
    wake,
    get stopped() {
      return stopped;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
