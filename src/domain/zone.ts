const QUARTER_HOUR_MS = 15 * 60_000;

/**
 * A time zone's offset from UTC at any instant (local wall time − UTC, in ms), computed per instant so that zones with
 * daylight saving time count correctly. Transitions fall on quarter hours of UTC, so the offset is constant within
 * each quarter hour and is cached per quarter hour: Intl is slow.
 */
export class ZoneOffsets {
  private readonly parts: Intl.DateTimeFormat;
  private readonly cache = new Map<number, number>();

  /** Throws RangeError on an unknown zone, which is the error callers want at construction rather than on first use. */
  constructor(readonly timezone: string) {
    this.parts = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  offsetAt(t: number): number {
    const bucket = Math.floor(t / QUARTER_HOUR_MS);
    const cached = this.cache.get(bucket);
    if (cached !== undefined) return cached;
    const whole = bucket * QUARTER_HOUR_MS;
    const f: Record<string, number> = {};
    for (const p of this.parts.formatToParts(new Date(whole))) f[p.type] = Number(p.value);
    const offset = Date.UTC(f.year ?? 1970, (f.month ?? 1) - 1, f.day ?? 1, f.hour ?? 0, f.minute ?? 0, f.second ?? 0) - whole;
    if (this.cache.size >= 100_000) this.cache.clear();
    this.cache.set(bucket, offset);
    return offset;
  }
}
