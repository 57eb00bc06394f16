// The dashboard's period: a preset (today, the last 7 or 30 days) or a custom range of days, in the address bar.

export const PERIOD_PRESETS = ['today', '7d', '30d', 'custom'] as const;
export type PeriodPreset = (typeof PERIOD_PRESETS)[number];

export interface Period {
  preset: PeriodPreset;
  /** YYYY-MM-DD, inclusive, in the city's time zone. */
  from: string;
  to: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** As the server's default: the last 30 days ending today. */
export const DEFAULT_PRESET = '30d' satisfies PeriodPreset;
/** A guard against a typo that would ask for decades of figures. */
export const MAX_CUSTOM_DAYS = 366;

function utcDate(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

export function isDay(value: string | null | undefined): value is string {
  if (!value || !DAY.test(value)) return false;
  const d = utcDate(value);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

export function addDays(day: string, n: number): string {
  const d = utcDate(day);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Days from `from` to `to`, both counted (1 for a single day). */
export function daysBetween(from: string, to: string): number {
  return Math.round((utcDate(to).getTime() - utcDate(from).getTime()) / 86_400_000) + 1;
}

export function presetRange(preset: Exclude<PeriodPreset, 'custom'>, today: string): { from: string; to: string } {
  const span = preset === 'today' ? 1 : preset === '7d' ? 7 : 30;
  return { from: addDays(today, 1 - span), to: today };
}

function isPreset(value: string | null): value is PeriodPreset {
  return value !== null && (PERIOD_PRESETS as readonly string[]).includes(value);
}

/**
 * Reads the period from the address. A custom range needs two valid days; reversed days are swapped, a range longer
 * than MAX_CUSTOM_DAYS is cut to its last days, a range ending after today ends today; anything else falls back to
 * the default preset.
 */
export function periodFromParams(params: URLSearchParams, today: string): Period {
  const preset = params.get('period');
  if (preset === 'custom') {
    let from = params.get('from');
    let to = params.get('to');
    if (isDay(from) && isDay(to)) {
      if (from > to) [from, to] = [to, from];
      if (to > today) to = today;
      if (from > to) from = to;
      if (daysBetween(from, to) > MAX_CUSTOM_DAYS) from = addDays(to, 1 - MAX_CUSTOM_DAYS);
      return { preset: 'custom', from, to };
    }
  }
  const p: Exclude<PeriodPreset, 'custom'> = isPreset(preset) && preset !== 'custom' ? preset : DEFAULT_PRESET;
  return { preset: p, ...presetRange(p, today) };
}

/** Writes the period into a copy of the address's parameters; the default preset leaves the address clean. */
export function withPeriod(params: URLSearchParams, period: Period): URLSearchParams {
  const next = new URLSearchParams(params);
  next.delete('period');
  next.delete('from');
  next.delete('to');
  if (period.preset === 'custom') {
    next.set('period', 'custom');
    next.set('from', period.from);
    next.set('to', period.to);
  } else if (period.preset !== DEFAULT_PRESET) {
    next.set('period', period.preset);
  }
  return next;
}

/** The ISO 8601 week of a day: `2024-W01` for 2024-01-01; 2021-01-03 belongs to `2020-W53`. */
export function isoWeek(day: string): string {
  const d = utcDate(day);
  const weekday = d.getUTCDay() || 7;
  // The Thursday of the same week decides the year.
  d.setUTCDate(d.getUTCDate() + 4 - weekday);
  const year = d.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const week = Math.ceil(((d.getTime() - jan1) / 86_400_000 + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The Monday of an ISO week (`2024-W01` → 2024-01-01). */
export function weekStart(week: string): string | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!m) return null;
  const year = Number(m[1]);
  const n = Number(m[2]);
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const monday = new Date(jan4);
  monday.setUTCDate(jan4.getUTCDate() - ((jan4.getUTCDay() || 7) - 1) + (n - 1) * 7);
  return monday.toISOString().slice(0, 10);
}

/** The last `count` complete weeks before today's, newest first: the weeks a bulletin can be printed for. */
export function recentWeeks(today: string, count: number): string[] {
  const out: string[] = [];
  for (let i = 1; i <= count; i++) out.push(isoWeek(addDays(today, -7 * i)));
  return out;
}

/** The period of the same length just before this one: what "compare with the previous period" compares with. */
export function previousPeriod(range: { from: string; to: string }): { from: string; to: string } {
  const days = daysBetween(range.from, range.to);
  return { from: addDays(range.from, -days), to: addDays(range.from, -1) };
}
