/**
 * Runs a background job every `intervalMs`, one run at a time (the next starts only after the last ended), until
 * stopped. A failing run is reported and the schedule goes on.
 */
export function startPeriodic(run: () => Promise<unknown>, intervalMs: number, onError?: (err: unknown) => void): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const tick = async () => {
    if (stopped) return;
    try {
      await run();
    } catch (err) {
      onError?.(err);
    }
    if (!stopped) timer = setTimeout(tick, intervalMs);
  };
  timer = setTimeout(tick, intervalMs);
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
