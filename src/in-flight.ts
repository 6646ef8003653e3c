/**
 * Requests Roster has taken and not yet finished (a Slack command goes on after its acknowledgement),
 * so a shutdown can refuse new ones, wait for these, and only then close the store.
 */

export interface InFlight {
  /** True once `drain` was called: new requests are refused. */
  readonly closing: boolean;
  /** Runs `work`, counted as in flight until it settles. */
  track<T>(work: () => Promise<T>): Promise<T>;
  /** Refuses new requests and resolves once none is in flight, or after `graceMs`, with how many were still running. */
  drain(graceMs: number): Promise<number>;
}

export function createInFlight(): InFlight {
  let running = 0;
  let closing = false;
  const idle = new Set<() => void>();

  const settled = () => {
    running -= 1;
    if (running === 0) for (const resolve of idle) resolve();
  };

  return {
    get closing() {
      return closing;
    },
    async track(work) {
      running += 1;
      try {
        return await work();
      } finally {
        settled();
      }
    },
    async drain(graceMs) {
      closing = true;
      if (running === 0) return 0;
      let timer: NodeJS.Timeout | undefined;
      let done: (() => void) | undefined;
      await new Promise<void>((resolve) => {
        done = resolve;
        idle.add(resolve);
        timer = setTimeout(resolve, graceMs);
      });
      clearTimeout(timer);
      if (done) idle.delete(done);
      return running;
    },
  };
}
