import type { Language } from '../i18n/i18n.ts';

const M2_PER_KM2 = 1_000_000;

/** Areas below 1 km² read better in m² (a grid is about 10,000 m²); above, in km². */
export function formatArea(areaM2: number, lang: Language): { unit: 'm2' | 'km2'; value: string } {
  if (areaM2 < M2_PER_KM2) {
    return { unit: 'm2', value: new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }).format(areaM2) };
  }
  return {
    unit: 'km2',
    value: new Intl.NumberFormat(lang, { maximumFractionDigits: 2 }).format(areaM2 / M2_PER_KM2),
  };
}

export function formatDate(iso: string, lang: Language, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone }).format(date);
}

export function formatDateTime(iso: string, lang: Language, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(date);
}

/** A calendar day (YYYY-MM-DD) with its weekday, read as a plain date (no time zone shift). */
export function formatDay(day: string, lang: Language): string {
  const date = new Date(`${day}T12:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return new Intl.DateTimeFormat(lang, { month: 'short', day: 'numeric', weekday: 'short', timeZone: 'UTC' }).format(date);
}

export interface Span {
  unit: 'minute' | 'hour' | 'day';
  value: number;
}

/** The largest whole-ish unit for a span of minutes: 90 → 1.5 h, 2880 → 2 d, 45 → 45 min. */
export function spanOf(minutes: number, minutesPerDay = 1440): Span {
  const abs = Math.abs(minutes);
  if (abs >= minutesPerDay) return { unit: 'day', value: Math.round((minutes / minutesPerDay) * 10) / 10 };
  if (abs >= 60) return { unit: 'hour', value: Math.round((minutes / 60) * 10) / 10 };
  return { unit: 'minute', value: Math.round(minutes) };
}

/** Minutes from `now` until `iso` (negative once it has passed). */
export function minutesUntil(iso: string, now: Date = new Date()): number {
  return Math.round((new Date(iso).getTime() - now.getTime()) / 60_000);
}

/** The offset of a time zone from UTC at an instant, in minutes (Asia/Shanghai: +480). */
export function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/**
 * A wall-clock time typed by a user (`YYYY-MM-DDTHH:mm`), read in the server's time zone, as an ISO instant: a
 * deadline typed as "17:30" means 17:30 where the city works, wherever the browser is.
 */
export function wallTimeToIso(wall: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})$/.exec(wall);
  if (!m) return null;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  // Two passes settle the offset across a daylight-saving change.
  let instant = guess - zoneOffsetMinutes(new Date(guess), timeZone) * 60_000;
  instant = guess - zoneOffsetMinutes(new Date(instant), timeZone) * 60_000;
  return new Date(instant).toISOString();
}

/** Today's date (YYYY-MM-DD) in a time zone. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
