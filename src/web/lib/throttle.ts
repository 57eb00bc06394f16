/** The clock a throttle reads; tests hand in a fake one. */
export interface ThrottleClock {
  now: () => number;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

const REAL_CLOCK: ThrottleClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface Throttled {
  /** Asks for a run: at once when the last one is at least `intervalMs` old, else once when the interval ends. */
  call: () => void;
  /** Drops a pending run (on unmount). */
  cancel: () => void;
}

/**
 * Runs `fn` at most once per `intervalMs`, and never loses the last call: a burst of events gives one run at its start
 * and one at the end of the interval, so the screen ends up current.
 */
export function createThrottle(fn: () => void, intervalMs: number, clock: ThrottleClock = REAL_CLOCK): Throttled {
  let last = Number.NEGATIVE_INFINITY;
  let pending: unknown;
  let hasPending = false;
  const run = () => {
    hasPending = false;
    pending = undefined;
    last = clock.now();
    fn();
  };
  return {
    call() {
      if (hasPending) return;
      const wait = last + intervalMs - clock.now();
      if (wait <= 0) {
        run();
        return;
      }
      hasPending = true;
      pending = clock.setTimeout(run, wait);
    },
    cancel() {
      if (hasPending) clock.clearTimeout(pending);
      hasPending = false;
      pending = undefined;
    },
  };
}
