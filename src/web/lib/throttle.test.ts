import { describe, expect, it } from 'vitest';
import { createThrottle, type ThrottleClock } from './throttle.ts';

/** A clock that moves only when told, with timers that fire as it passes them. */
function fakeClock() {
  let now = 0;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock: ThrottleClock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      seq++;
      timers.set(seq, { at: now + ms, fn });
      return seq;
    },
    clearTimeout: (handle) => {
      timers.delete(handle as number);
    },
  };
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      const due = [...timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      now = due[1].at;
      due[1].fn();
    }
    now = until;
  };
  return { clock, advance, pending: () => timers.size };
}

describe('createThrottle', () => {
  it('runs the first call at once', () => {
    const { clock } = fakeClock();
    let runs = 0;
    createThrottle(() => runs++, 2000, clock).call();
    expect(runs).toBe(1);
  });

  it('folds a burst into one run at its start and one when the interval ends', () => {
    const { clock, advance } = fakeClock();
    const at: number[] = [];
    const throttle = createThrottle(() => at.push(clock.now()), 2000, clock);
    for (let i = 0; i < 50; i++) {
      throttle.call();
      advance(20);
    }
    advance(5000);
    expect(at).toEqual([0, 2000]);
  });

  it('never runs twice within the interval, however the calls are spread', () => {
    const { clock, advance } = fakeClock();
    const at: number[] = [];
    const throttle = createThrottle(() => at.push(clock.now()), 2000, clock);
    for (const gap of [0, 300, 1700, 10, 2500, 1, 1999, 4000, 700]) {
      advance(gap);
      throttle.call();
    }
    advance(10_000);
    for (let i = 1; i < at.length; i++) expect((at[i] as number) - (at[i - 1] as number)).toBeGreaterThanOrEqual(2000);
    // The last call is never lost: a run follows it.
    expect(at[at.length - 1]).toBeGreaterThanOrEqual(300 + 1700 + 10 + 2500 + 1 + 1999 + 4000 + 700);
  });

  it('drops the pending run on cancel', () => {
    const { clock, advance, pending } = fakeClock();
    let runs = 0;
    const throttle = createThrottle(() => runs++, 2000, clock);
    throttle.call();
    throttle.call();
    expect(pending()).toBe(1);
    throttle.cancel();
    advance(5000);
    expect(runs).toBe(1);
  });
});
