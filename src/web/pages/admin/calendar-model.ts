/** Minutes of work in a day: 08:30–12:00 and 13:30–17:30 make 450 (7.5 h), the length of a "working day" limit. */
export function minutesPerWorkingDay(hours: ReadonlyArray<readonly [string, string]> | undefined): number {
  if (!hours || hours.length === 0) return 450;
  const minutes = (hm: string) => {
    const [h, m] = hm.split(':').map(Number);
    return (h ?? 0) * 60 + (m ?? 0);
  };
  const total = hours.reduce((sum, [from, to]) => sum + Math.max(0, minutes(to) - minutes(from)), 0);
  return total > 0 ? total : 450;
}

const HM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Working-hour periods must be HH:mm, each ending after it starts, in order and without overlap. */
export function checkWorkingHours(hours: ReadonlyArray<readonly [string, string]>): 'ok' | 'format' | 'order' {
  let previousEnd = '';
  for (const [from, to] of hours) {
    if (!HM.test(from) || !HM.test(to)) return 'format';
    if (to <= from || from < previousEnd) return 'order';
    previousEnd = to;
  }
  return hours.length > 0 ? 'ok' : 'format';
}

export function isWeekend(day: string): boolean {
  const d = new Date(`${day}T12:00:00Z`).getUTCDay();
  return d === 0 || d === 6;
}

export interface DayProblem {
  day: string;
  problem: 'other_year' | 'in_both' | 'weekday_workday';
}

/**
 * What looks wrong in a year's lists: dates of another year and a date in both are refused by the server; a make-up
 * working day on a weekday, or a holiday on a weekend, is allowed but worth a second look (State Council notices move
 * weekends, and holidays that fall on weekends are listed too).
 */
export function yearProblems(year: number, holidays: readonly string[], workdays: readonly string[]): DayProblem[] {
  const out: DayProblem[] = [];
  for (const d of [...holidays, ...workdays]) if (!d.startsWith(`${year}-`)) out.push({ day: d, problem: 'other_year' });
  for (const d of holidays) if (workdays.includes(d)) out.push({ day: d, problem: 'in_both' });
  for (const d of workdays) if (!isWeekend(d)) out.push({ day: d, problem: 'weekday_workday' });
  return out;
}

/** Adds a day to a sorted list once. */
export function withDay(list: readonly string[], day: string): string[] {
  return [...new Set([...list, day])].sort();
}
