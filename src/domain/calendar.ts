/**
 * The working calendar and the stage clocks that run on it. Limits are counted either in working time (working hours
 * of working days: weekends, public holidays and lunch breaks excluded, make-up working days 調休 included) or in
 * natural time (wall-clock minutes). Every day and hour is read in the calendar's time zone, never the server's, and
 * offsets are computed per instant so that a zone with daylight saving time counts correctly too.
 */

import { ZoneOffsets } from './zone.ts';

export type TimeBase = 'working' | 'natural';

export interface CalendarData {
  /** IANA zone the working hours are read in, e.g. 'Asia/Shanghai'. */
  timezone: string;
  /** Working periods of a working day, 'HH:MM' local time, end exclusive; '24:00' is allowed as an end. */
  workingHours: Array<[string, string]>;
  /** 'YYYY-MM-DD' days off that would otherwise be working days (public holidays). */
  holidays: string[];
  /** 'YYYY-MM-DD' weekend days that are working days (make-up working days, 調休上班). */
  workdays: string[];
  /** Years for which official holiday data was imported; other years fall back to weekends only. */
  years: number[];
}

export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

export const DEFAULT_WORKING_HOURS: ReadonlyArray<readonly [string, string]> = [
  ['08:30', '12:00'],
  ['13:30', '17:30'],
];

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Bounds a walk over days, so that a calendar with no working day at all fails loudly instead of spinning. */
const MAX_DAYS_WALKED = 366 * 50;
const DAY_CACHE_LIMIT = 20_000;

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const HH_MM = /^(\d{2}):(\d{2})$/;

/** Days since 1970-01-01 of a civil date; the calendar works on these so that day arithmetic is plain integers. */
function dayNumber(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

function parseIsoDay(text: string): number {
  const m = ISO_DAY.exec(text);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(text)}`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const n = dayNumber(year, month, day);
  // Date.UTC rolls 2026-02-30 over to March; a round trip catches such dates.
  if (isoDayOf(n) !== text) throw new RangeError(`no such date: ${text}`);
  return n;
}

function isoDayOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday; day 0 (1970-01-01) was a Thursday. */
function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

function parseMinuteOfDay(text: string): number {
  const m = HH_MM.exec(text);
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
  if (!m || Number(m[2]) > 59 || minutes > 24 * 60) throw new RangeError(`not an HH:MM time: ${JSON.stringify(text)}`);
  return minutes;
}

function parsePeriods(hours: ReadonlyArray<readonly [string, string]>): Array<readonly [number, number]> {
  const periods = hours
    .map(([from, to]) => [parseMinuteOfDay(from), parseMinuteOfDay(to)] as const)
    .sort((a, b) => a[0] - b[0]);
  if (periods.length === 0) throw new RangeError('a working calendar needs at least one working period');
  let previousEnd = -1;
  for (const [from, to] of periods) {
    if (from >= to) throw new RangeError('a working period must end after it starts');
    if (from < previousEnd) throw new RangeError('working periods overlap');
    previousEnd = to;
  }
  return periods;
}

/** A working period of one day as instants (epoch ms), end exclusive. */
interface Span {
  readonly from: number;
  readonly to: number;
}

interface DayPlan {
  readonly spans: readonly Span[];
  readonly totalMs: number;
}

export class WorkingCalendar {
  readonly timezone: string;
  private readonly periods: Array<readonly [number, number]>;
  private readonly holidays: ReadonlySet<number>;
  private readonly workdays: ReadonlySet<number>;
  private readonly years: ReadonlySet<number>;
  private readonly zone: ZoneOffsets;
  private readonly plans = new Map<number, DayPlan>();

  constructor(data: CalendarData) {
    this.timezone = data.timezone;
    // Throws RangeError on an unknown zone, which is the error we want at construction rather than on first use.
    this.zone = new ZoneOffsets(data.timezone);
    this.periods = parsePeriods(data.workingHours);
    this.holidays = new Set(data.holidays.map(parseIsoDay));
    this.workdays = new Set(data.workdays.map(parseIsoDay));
    for (const day of this.workdays) {
      // Listed as both, the day's status would depend on which rule we check first: refuse instead.
      if (this.holidays.has(day)) throw new RangeError(`${isoDayOf(day)} is listed as both a holiday and a workday`);
    }
    this.years = new Set(data.years);
  }

  /** Whether official holiday data exists for the year; without it, only weekends are days off (warn the admin). */
  hasDataFor(year: number): boolean {
    return this.years.has(year);
  }

  isWorkingDay(date: Date): boolean {
    return this.isWorkingDayNumber(this.localDayOf(date.getTime()));
  }

  /** Inside a working period of a working day (start inclusive, end exclusive). */
  isWorkingTime(date: Date): boolean {
    const t = date.getTime();
    return this.plan(this.localDayOf(t)).spans.some((s) => s.from <= t && t < s.to);
  }

  /** The calendar-local date of an instant, 'YYYY-MM-DD'. */
  localDateOf(date: Date): string {
    return isoDayOf(this.localDayOf(date.getTime()));
  }

  /**
   * The instant `minutes` of working time after `start`. A start outside working hours counts from the next working
   * period; a deadline that uses up a period exactly falls on its end (12:00), not on the next period's start.
   */
  addWorkingMinutes(start: Date, minutes: number): Date {
    if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError(`minutes must be finite and ≥ 0: ${minutes}`);
    let remaining = Math.round(minutes * MINUTE_MS);
    const cursor = start.getTime();
    let day = this.localDayOf(cursor);
    for (let walked = 0; walked < MAX_DAYS_WALKED; walked++, day++) {
      const plan = this.plan(day);
      const first = plan.spans[0];
      // Whole days at a time: a day that starts after the cursor and is used up entirely needs no per-period walk.
      if (first && first.from >= cursor && plan.totalMs < remaining) {
        remaining -= plan.totalMs;
        continue;
      }
      for (const span of plan.spans) {
        if (span.to <= cursor) continue;
        const from = Math.max(span.from, cursor);
        const available = span.to - from;
        if (remaining <= available) return new Date(from + remaining);
        remaining -= available;
      }
    }
    throw new RangeError(`no working time found within ${MAX_DAYS_WALKED} days`);
  }

  /** Working minutes in [a, b); negative when b is before a. May be fractional when the instants carry seconds. */
  workingMinutesBetween(a: Date, b: Date): number {
    const from = a.getTime();
    const to = b.getTime();
    if (to < from) return -this.workingMinutesBetween(b, a);
    let total = 0;
    const lastDay = this.localDayOf(to);
    for (let day = this.localDayOf(from); day <= lastDay; day++) {
      const plan = this.plan(day);
      for (const span of plan.spans) {
        const overlap = Math.min(span.to, to) - Math.max(span.from, from);
        if (overlap > 0) total += overlap;
      }
    }
    return total / MINUTE_MS;
  }

  addNaturalMinutes(start: Date, minutes: number): Date {
    if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError(`minutes must be finite and ≥ 0: ${minutes}`);
    return new Date(start.getTime() + Math.round(minutes * MINUTE_MS));
  }

  naturalMinutesBetween(a: Date, b: Date): number {
    return (b.getTime() - a.getTime()) / MINUTE_MS;
  }

  addMinutes(base: TimeBase, start: Date, minutes: number): Date {
    return base === 'working' ? this.addWorkingMinutes(start, minutes) : this.addNaturalMinutes(start, minutes);
  }

  minutesBetween(base: TimeBase, a: Date, b: Date): number {
    return base === 'working' ? this.workingMinutesBetween(a, b) : this.naturalMinutesBetween(a, b);
  }

  private isWorkingDayNumber(day: number): boolean {
    if (this.workdays.has(day)) return true;
    if (this.holidays.has(day)) return false;
    const weekday = weekdayOf(day);
    return weekday !== 0 && weekday !== 6;
  }

  /** The working periods of one local day as instants, cached since deadlines walk the same days again and again. */
  private plan(day: number): DayPlan {
    const cached = this.plans.get(day);
    if (cached) return cached;
    let plan: DayPlan = { spans: [], totalMs: 0 };
    if (this.isWorkingDayNumber(day)) {
      const spans = this.periods.map(([from, to]) => ({
        from: this.instantOf(day, from),
        to: this.instantOf(day, to),
      }));
      plan = { spans, totalMs: spans.reduce((sum, s) => sum + (s.to - s.from), 0) };
    }
    if (this.plans.size >= DAY_CACHE_LIMIT) this.plans.clear();
    this.plans.set(day, plan);
    return plan;
  }

  private offsetAt(t: number): number {
    return this.zone.offsetAt(t);
  }

  private localDayOf(t: number): number {
    return Math.floor((t + this.offsetAt(t)) / DAY_MS);
  }

  /**
   * The instant at which the local wall clock shows `minuteOfDay` on `day`. The offsets a day before and after
   * bracket any transition (zones change offset at most once a day). A wall time that occurs twice (autumn) takes
   * the earlier instant; one that does not occur (the spring-forward gap) is read with the offset from before the
   * gap, which lands as far after the gap as it was into it, as clocks that are set forward do.
   */
  private instantOf(day: number, minuteOfDay: number): number {
    const wall = day * DAY_MS + minuteOfDay * MINUTE_MS;
    const before = this.offsetAt(wall - DAY_MS);
    const after = this.offsetAt(wall + DAY_MS);
    if (before === after) return wall - before;
    const candidates = [wall - before, wall - after].filter((t) => wall - this.offsetAt(t) === t);
    return candidates.length > 0 ? Math.min(...candidates) : wall - before;
  }
}

/**
 * Reads the holiday file's format (`years.{YYYY}.holidays.{name}: string[]`, `years.{YYYY}.workdays: string[]`) into
 * calendar data with the default working hours. Throws on a malformed file rather than importing half of it.
 */
export function calendarFromHolidayFile(json: unknown, timezone: string = DEFAULT_TIMEZONE): CalendarData {
  const years = isRecord(json) ? json['years'] : undefined;
  if (!isRecord(years)) throw new TypeError('holiday file: "years" must be an object');
  const holidays = new Set<string>();
  const workdays = new Set<string>();
  const yearNumbers: number[] = [];
  for (const [yearText, entry] of Object.entries(years)) {
    if (!/^\d{4}$/.test(yearText)) throw new TypeError(`holiday file: "${yearText}" is not a year`);
    if (!isRecord(entry) || !isRecord(entry['holidays'])) {
      throw new TypeError(`holiday file: ${yearText}.holidays must be an object`);
    }
    for (const [name, days] of Object.entries(entry['holidays'])) {
      for (const d of stringList(days, `${yearText}.holidays.${name}`)) holidays.add(inYear(d, yearText));
    }
    for (const d of stringList(entry['workdays'] ?? [], `${yearText}.workdays`)) workdays.add(inYear(d, yearText));
    yearNumbers.push(Number(yearText));
  }
  return {
    timezone,
    workingHours: DEFAULT_WORKING_HOURS.map(([from, to]) => [from, to]),
    holidays: [...holidays].sort(),
    workdays: [...workdays].sort(),
    years: yearNumbers.sort((a, b) => a - b),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw new TypeError(`holiday file: ${where} must be a list of dates`);
  }
  return value;
}

function inYear(day: string, year: string): string {
  parseIsoDay(day);
  // A date filed under the wrong year would silently make hasDataFor() lie about the year it really belongs to.
  if (!day.startsWith(`${year}-`)) throw new TypeError(`holiday file: ${day} is listed under ${year}`);
  return day;
}

// ——— Clocks ———

export interface ClockPause {
  from: Date;
  /** null while the pause lasts (the case is still parked). */
  to: Date | null;
}

/**
 * One stage's clock (or the whole case's). Pauses are kept, not folded into a counter, so that the elapsed time and
 * the deadline can be recomputed for any instant, e.g. when the calendar is edited after the fact.
 */
export interface ClockState {
  limitMinutes: number;
  base: TimeBase;
  startedAt: Date;
  pauses: ClockPause[];
  /** When the stage ended; the clock stops counting there. */
  stoppedAt: Date | null;
}

export type TrafficLight = 'green' | 'yellow' | 'red';

export function startClock(limitMinutes: number, base: TimeBase, at: Date): ClockState {
  if (!Number.isFinite(limitMinutes) || limitMinutes <= 0) throw new RangeError(`limit must be > 0: ${limitMinutes}`);
  return { limitMinutes, base, startedAt: at, pauses: [], stoppedAt: null };
}

export function isPaused(clock: ClockState): boolean {
  return clock.pauses.some((p) => p.to === null);
}

/** Pausing a paused or stopped clock changes nothing, so that a repeated park request is harmless. */
export function pauseClock(clock: ClockState, at: Date): ClockState {
  if (isPaused(clock) || clock.stoppedAt) return clock;
  return { ...clock, pauses: [...clock.pauses, { from: at, to: null }] };
}

export function resumeClock(clock: ClockState, at: Date): ClockState {
  if (!isPaused(clock)) return clock;
  return { ...clock, pauses: clock.pauses.map((p) => (p.to === null ? { from: p.from, to: at } : p)) };
}

/** Stopping a paused clock ends its pause too: the stage is over, whatever the park said. */
export function stopClock(clock: ClockState, at: Date): ClockState {
  if (clock.stoppedAt) return clock;
  return { ...resumeClock(clock, at), stoppedAt: at };
}

/** Whether the clock is paused at `now`: a pause that has begun and not yet ended. */
function pausedAt(clock: ClockState, now: number): boolean {
  return clock.pauses.some((p) => p.from.getTime() <= now && (p.to === null || p.to.getTime() > now));
}

/**
 * The intervals during which the clock ran, from its start up to `until` (or open-ended), with pauses cut out.
 * Pauses are merged first, so overlapping or unsorted records cannot count a stretch twice.
 */
function runningIntervals(clock: ClockState, until: number): Array<[number, number]> {
  const start = clock.startedAt.getTime();
  const pauses = clock.pauses
    .map((p) => [p.from.getTime(), p.to === null ? Number.POSITIVE_INFINITY : p.to.getTime()] as [number, number])
    .filter(([from, to]) => to > start && from < until)
    .sort((a, b) => a[0] - b[0]);
  const intervals: Array<[number, number]> = [];
  let cursor = start;
  for (const [from, to] of pauses) {
    if (from > cursor) intervals.push([cursor, Math.min(from, until)]);
    cursor = Math.max(cursor, to);
    if (cursor >= until) return intervals;
  }
  if (cursor < until) intervals.push([cursor, until]);
  return intervals;
}

/** Minutes the clock has run by `now`, in its own base, pauses excluded and nothing counted after it stopped. */
export function elapsedMinutes(cal: WorkingCalendar, clock: ClockState, now: Date): number {
  const end = Math.min(now.getTime(), clock.stoppedAt ? clock.stoppedAt.getTime() : Number.POSITIVE_INFINITY);
  let total = 0;
  for (const [from, to] of runningIntervals(clock, end)) {
    total += cal.minutesBetween(clock.base, new Date(from), new Date(to));
  }
  return total;
}

/**
 * The instant the clock runs out, given the pauses recorded by `now`; null while it is paused, since nobody knows
 * when the pause will end. A stopped clock keeps the deadline it had, so that "handled on time" can be judged.
 */
export function deadlineOf(cal: WorkingCalendar, clock: ClockState, now: Date): Date | null {
  const t = now.getTime();
  if (pausedAt(clock, t)) return null;
  // Pauses that begin after `now` are not known yet at `now`; the stop does not move the deadline either.
  const known: ClockState = { ...clock, pauses: clock.pauses.filter((p) => p.from.getTime() <= t) };
  let used = 0;
  const intervals = runningIntervals(known, Number.POSITIVE_INFINITY);
  for (const [from, to] of intervals) {
    const remaining = clock.limitMinutes - used;
    const length =
      to === Number.POSITIVE_INFINITY
        ? Number.POSITIVE_INFINITY
        : cal.minutesBetween(clock.base, new Date(from), new Date(to));
    if (remaining <= length) return cal.addMinutes(clock.base, new Date(from), remaining);
    used += length;
  }
  return null;
}

/** Green under 80% of the limit, yellow from 80% up to and including 100%, red past the limit. */
export function trafficLight(cal: WorkingCalendar, clock: ClockState, now: Date): TrafficLight {
  const elapsed = elapsedMinutes(cal, clock, now);
  if (elapsed > clock.limitMinutes) return 'red';
  // elapsed < 0.8·limit written without the division, so that exactly 80% is not lost to rounding.
  return elapsed * 5 < clock.limitMinutes * 4 ? 'green' : 'yellow';
}
