/** A first-come, first-served asynchronous mutex. */
export interface Mutex {
  /** Waits for the mutex and resolves with the function that releases it. */
  hold(): Promise<() => void>;
  /** Runs `work` while holding the mutex. */
  run<T>(work: () => Promise<T>): Promise<T>;
}

/** Creates a mutex; waiters are served in the order they asked. */
export function createMutex(): Mutex {
  let tail = Promise.resolve();
  const hold = () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const acquired = tail.then(() => release);
    tail = tail.then(() => released);
    return acquired;
  };
  return {
    hold,
    async run(work) {
      const release = await hold();
      try {
        return await work();
      } finally {
        release();
      }
    },
  };
}
