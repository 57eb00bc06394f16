import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CalendarData,
  type ClockState,
  calendarFromHolidayFile,
  DEFAULT_WORKING_HOURS,
  deadlineOf,
  elapsedMinutes,
  isPaused,
  pauseClock,
  resumeClock,
  startClock,
  stopClock,
  trafficLight,
  WorkingCalendar,
} from './calendar.ts';

/** Shanghai wall time → instant; the tests run on a UTC server, so every literal carries its offset. */
function sh(local: string): Date {
  return new Date(`${local}+08:00`);
}

const HOURS = DEFAULT_WORKING_HOURS.map(([a, b]): [string, string] => [a, b]);

/** A hand-made calendar, always available: a Monday holiday and a Sunday make-up day in March 2026. */
const SMALL: CalendarData = {
  timezone: 'Asia/Shanghai',
  workingHours: HOURS,
  holidays: ['2026-03-16'],
  workdays: ['2026-03-22'],
  years: [2026],
};
const cal = new WorkingCalendar(SMALL);

const HOLIDAY_FILE = join(import.meta.dirname, '../../../shared/data/cn-holidays.json');
const holidayFile = existsSync(HOLIDAY_FILE) ? (JSON.parse(readFileSync(HOLIDAY_FILE, 'utf8')) as unknown) : null;
const official = holidayFile ? new WorkingCalendar(calendarFromHolidayFile(holidayFile)) : null;

describe('WorkingCalendar: days', () => {
  it('counts weekdays as working days and weekends as days off, in the calendar zone, not the server zone', () => {
    expect(cal.isWorkingDay(sh('2026-03-02T09:00:00'))).toBe(true); // Monday
    expect(cal.isWorkingDay(sh('2026-03-07T09:00:00'))).toBe(false); // Saturday
    expect(cal.isWorkingDay(sh('2026-03-08T09:00:00'))).toBe(false); // Sunday
    // Monday 2026-03-09 00:30 in Shanghai is still Sunday in UTC.
    const mondayEarly = sh('2026-03-09T00:30:00');
    expect(mondayEarly.getUTCDay()).toBe(0);
    expect(cal.isWorkingDay(mondayEarly)).toBe(true);
    expect(cal.localDateOf(mondayEarly)).toBe('2026-03-09');
  });

  it('treats a listed holiday as a day off and a listed make-up Sunday as a working day', () => {
    expect(cal.isWorkingDay(sh('2026-03-16T10:00:00'))).toBe(false);
    expect(cal.isWorkingDay(sh('2026-03-22T10:00:00'))).toBe(true);
  });

  it('falls back to weekends only for a year without data, and says so', () => {
    expect(cal.hasDataFor(2026)).toBe(true);
    expect(cal.hasDataFor(2030)).toBe(false);
    expect(cal.isWorkingDay(sh('2030-01-01T10:00:00'))).toBe(true); // New Year's Day, but no data for 2030
    expect(cal.isWorkingDay(sh('2030-01-05T10:00:00'))).toBe(false); // Saturday
    // Friday 17:00 + 60 working minutes → Monday 09:00, weekends skipped and nothing else.
    expect(cal.addWorkingMinutes(sh('2030-01-04T17:00:00'), 60)).toEqual(sh('2030-01-07T09:00:00'));
  });

  it('tells working time from lunch, night and days off', () => {
    expect(cal.isWorkingTime(sh('2026-03-02T08:30:00'))).toBe(true);
    expect(cal.isWorkingTime(sh('2026-03-02T11:59:59'))).toBe(true);
    expect(cal.isWorkingTime(sh('2026-03-02T12:00:00'))).toBe(false);
    expect(cal.isWorkingTime(sh('2026-03-02T12:45:00'))).toBe(false);
    expect(cal.isWorkingTime(sh('2026-03-02T20:00:00'))).toBe(false);
    expect(cal.isWorkingTime(sh('2026-03-07T10:00:00'))).toBe(false);
  });
});

describe('WorkingCalendar: deadlines in working time', () => {
  it('skips the lunch break: a report at 11:50 with a 20-minute limit is due at 13:40', () => {
    expect(cal.addWorkingMinutes(sh('2026-03-02T11:50:00'), 20)).toEqual(sh('2026-03-02T13:40:00'));
  });

  it('ends on the end of a period when the time runs out exactly there', () => {
    expect(cal.addWorkingMinutes(sh('2026-03-02T11:50:00'), 10)).toEqual(sh('2026-03-02T12:00:00'));
    expect(cal.addWorkingMinutes(sh('2026-03-02T17:00:00'), 30)).toEqual(sh('2026-03-02T17:30:00'));
  });

  it('starts counting at the next working period when the report comes at night or at lunch', () => {
    expect(cal.addWorkingMinutes(sh('2026-03-02T22:15:00'), 30)).toEqual(sh('2026-03-03T09:00:00'));
    expect(cal.addWorkingMinutes(sh('2026-03-03T03:00:00'), 30)).toEqual(sh('2026-03-03T09:00:00'));
    expect(cal.addWorkingMinutes(sh('2026-03-02T12:30:00'), 15)).toEqual(sh('2026-03-02T13:45:00'));
    expect(cal.addWorkingMinutes(sh('2026-03-02T06:00:00'), 0)).toEqual(sh('2026-03-02T08:30:00'));
  });

  it('skips the weekend: Friday 17:00 + 60 working minutes is Monday 09:00', () => {
    expect(cal.addWorkingMinutes(sh('2026-03-06T17:00:00'), 60)).toEqual(sh('2026-03-09T09:00:00'));
    expect(cal.addWorkingMinutes(sh('2026-03-07T10:00:00'), 60)).toEqual(sh('2026-03-09T09:30:00'));
  });

  it('skips a holiday and counts a make-up Sunday', () => {
    // Friday 13th 17:00: 30 min on Friday, the weekend and the Monday holiday skipped, 30 min on Tuesday.
    expect(cal.addWorkingMinutes(sh('2026-03-13T17:00:00'), 60)).toEqual(sh('2026-03-17T09:00:00'));
    // Saturday 21st is off, Sunday 22nd is a make-up working day.
    expect(cal.addWorkingMinutes(sh('2026-03-20T17:00:00'), 60)).toEqual(sh('2026-03-22T09:00:00'));
  });

  it('counts whole days of 450 minutes with the default hours: 15 working days from a Monday morning', () => {
    // From Mon 2 March 08:30: ten days to Fri 13th, Mon 16th off, four more to Fri 20th, Sat 21st off, and the 15th
    // working day is the make-up Sunday 22nd.
    expect(cal.addWorkingMinutes(sh('2026-03-02T08:30:00'), 15 * 450)).toEqual(sh('2026-03-22T17:30:00'));
    expect(cal.workingMinutesBetween(sh('2026-03-02T08:30:00'), sh('2026-03-22T17:30:00'))).toBe(15 * 450);
  });

  it('refuses a negative or non-finite number of minutes', () => {
    expect(() => cal.addWorkingMinutes(sh('2026-03-02T09:00:00'), -1)).toThrow(RangeError);
    expect(() => cal.addWorkingMinutes(sh('2026-03-02T09:00:00'), Number.NaN)).toThrow(RangeError);
    expect(() => cal.addNaturalMinutes(sh('2026-03-02T09:00:00'), Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('WorkingCalendar: working versus natural time', () => {
  it('counts the same span differently in the two bases', () => {
    const a = sh('2026-03-06T17:00:00'); // Friday
    const b = sh('2026-03-09T09:00:00'); // Monday
    expect(cal.workingMinutesBetween(a, b)).toBe(60);
    expect(cal.naturalMinutesBetween(a, b)).toBe(64 * 60);
    expect(cal.workingMinutesBetween(b, a)).toBe(-60);
    expect(cal.minutesBetween('natural', a, b)).toBe(64 * 60);
  });

  it('adds natural minutes through nights, weekends and holidays alike', () => {
    expect(cal.addNaturalMinutes(sh('2026-03-15T23:30:00'), 60)).toEqual(sh('2026-03-16T00:30:00'));
    expect(cal.addMinutes('natural', sh('2026-03-02T11:50:00'), 20)).toEqual(sh('2026-03-02T12:10:00'));
    expect(cal.addMinutes('working', sh('2026-03-02T11:50:00'), 20)).toEqual(sh('2026-03-02T13:40:00'));
  });

  it('keeps seconds: a report at 11:50:30 with 20 working minutes is due at 13:40:30', () => {
    const due = cal.addWorkingMinutes(sh('2026-03-02T11:50:30'), 20);
    expect(due).toEqual(sh('2026-03-02T13:40:30'));
    expect(cal.workingMinutesBetween(sh('2026-03-02T11:50:30'), due)).toBe(20);
  });
});

describe('WorkingCalendar: time zones', () => {
  it('reads working hours in a zone with daylight saving time across the spring change', () => {
    const ny = new WorkingCalendar({ ...SMALL, timezone: 'America/New_York', holidays: [], workdays: [] });
    // Friday 17:00 EST (UTC−5) + 60 → Monday 09:00 EDT (UTC−4), after the clocks went forward on Sunday 8 March.
    expect(ny.addWorkingMinutes(new Date('2026-03-06T17:00:00-05:00'), 60)).toEqual(
      new Date('2026-03-09T09:00:00-04:00'),
    );
  });

  it('counts a 25-hour autumn day and a 23-hour spring day as they are', () => {
    const allDay: CalendarData = {
      timezone: 'Europe/Berlin',
      workingHours: [['00:00', '24:00']],
      holidays: [],
      workdays: ['2026-03-29', '2026-10-25'],
      years: [],
    };
    const berlin = new WorkingCalendar(allDay);
    expect(berlin.workingMinutesBetween(new Date('2026-03-28T23:00:00Z'), new Date('2026-03-29T22:00:00Z'))).toBe(
      23 * 60,
    );
    expect(berlin.workingMinutesBetween(new Date('2026-10-24T22:00:00Z'), new Date('2026-10-25T23:00:00Z'))).toBe(
      25 * 60,
    );
  });

  it('refuses an unknown zone, malformed hours and a day listed as both holiday and workday', () => {
    expect(() => new WorkingCalendar({ ...SMALL, timezone: 'Mars/Olympus' })).toThrow(RangeError);
    expect(() => new WorkingCalendar({ ...SMALL, workingHours: [['9:00', '12:00']] })).toThrow(RangeError);
    expect(() => new WorkingCalendar({ ...SMALL, workingHours: [['12:00', '08:00']] })).toThrow(RangeError);
    expect(() => new WorkingCalendar({ ...SMALL, workingHours: [] })).toThrow(RangeError);
    expect(
      () =>
        new WorkingCalendar({
          ...SMALL,
          workingHours: [
            ['08:00', '12:00'],
            ['11:00', '17:00'],
          ],
        }),
    ).toThrow(RangeError);
    expect(() => new WorkingCalendar({ ...SMALL, holidays: ['2026-02-30'] })).toThrow(RangeError);
    expect(() => new WorkingCalendar({ ...SMALL, holidays: ['2026-03-22'] })).toThrow(/both/);
  });
});

describe('calendarFromHolidayFile', () => {
  const file = {
    description: 'test',
    years: {
      '2027': { holidays: { 'New Year': ['2027-01-01'], Other: ['2027-02-08', '2027-02-09'] }, workdays: ['2027-02-07'] },
    },
  };

  it('reads holidays from every named group, make-up days and the years covered, with the default hours', () => {
    const data = calendarFromHolidayFile(file, 'Asia/Urumqi');
    expect(data).toEqual({
      timezone: 'Asia/Urumqi',
      workingHours: HOURS,
      holidays: ['2027-01-01', '2027-02-08', '2027-02-09'],
      workdays: ['2027-02-07'],
      years: [2027],
    });
    expect(calendarFromHolidayFile(file).timezone).toBe('Asia/Shanghai');
  });

  it('refuses malformed files instead of importing part of them', () => {
    expect(() => calendarFromHolidayFile(null)).toThrow(TypeError);
    expect(() => calendarFromHolidayFile({ years: [] })).toThrow(TypeError);
    expect(() => calendarFromHolidayFile({ years: { '2027': { holidays: { x: '2027-01-01' } } } })).toThrow(TypeError);
    expect(() => calendarFromHolidayFile({ years: { '2027': { holidays: { x: ['2027-13-01'] } } } })).toThrow(
      RangeError,
    );
    expect(() => calendarFromHolidayFile({ years: { '2027': { holidays: { x: ['2028-01-01'] } } } })).toThrow(
      /listed under 2027/,
    );
  });
});

describe.skipIf(official === null)(
  official ? 'the official 2025–2026 schedule' : `the official schedule (skipped: ${HOLIDAY_FILE} not found)`,
  () => {
    const c = official as WorkingCalendar;

    it('has data for 2025 and 2026 only', () => {
      expect(c.hasDataFor(2025)).toBe(true);
      expect(c.hasDataFor(2026)).toBe(true);
      expect(c.hasDataFor(2027)).toBe(false);
    });

    it('skips the 2026 Spring Festival and counts its make-up Saturday', () => {
      expect(c.isWorkingDay(sh('2026-02-14T10:00:00'))).toBe(true); // Saturday, make-up day
      expect(c.isWorkingDay(sh('2026-02-16T10:00:00'))).toBe(false); // Monday, holiday
      expect(c.isWorkingDay(sh('2026-02-23T10:00:00'))).toBe(false); // Monday, last day off
      // Fri 13 Feb 16:30 + 2 working days (900 min): 60 on Friday, 450 on Saturday 14th, 390 on Tuesday 24th.
      expect(c.addWorkingMinutes(sh('2026-02-13T16:30:00'), 900)).toEqual(sh('2026-02-24T16:30:00'));
    });

    it('skips the 2026 National Day week', () => {
      // Wed 30 Sep 17:00 + 60: 30 min that day, 1–7 October off, 30 min on Thursday 8th.
      expect(c.addWorkingMinutes(sh('2026-09-30T17:00:00'), 60)).toEqual(sh('2026-10-08T09:00:00'));
      expect(c.isWorkingDay(sh('2026-10-10T10:00:00'))).toBe(true); // Saturday, make-up day
    });

    it('counts a make-up Sunday: New Year 2026 resumes on Sunday 4 January', () => {
      expect(c.isWorkingDay(sh('2026-01-04T10:00:00'))).toBe(true);
      expect(c.addWorkingMinutes(sh('2025-12-31T17:00:00'), 60)).toEqual(sh('2026-01-04T09:00:00'));
      expect(c.isWorkingDay(sh('2025-01-26T10:00:00'))).toBe(true); // Sunday before the 2025 Spring Festival
    });
  },
);

describe('WorkingCalendar: properties', () => {
  const calendars: Array<[string, WorkingCalendar]> = [['hand-made', cal]];
  if (official) calendars.push(['official', official]);
  const starts = fc
    .integer({ min: Date.UTC(2024, 11, 1), max: Date.UTC(2027, 1, 1) })
    .map((t) => new Date(t));
  const minutes = fc.oneof(fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 30 * 450 }));

  for (const [name, c] of calendars) {
    it(`${name}: the working minutes between a start and its deadline are the minutes added`, () => {
      fc.assert(
        fc.property(starts, minutes, (s, m) => {
          expect(c.workingMinutesBetween(s, c.addWorkingMinutes(s, m))).toBe(m);
        }),
      );
    });

    it(`${name}: deadlines are monotone in the minutes`, () => {
      fc.assert(
        fc.property(starts, minutes, minutes, (s, m1, m2) => {
          const [lo, hi] = m1 <= m2 ? [m1, m2] : [m2, m1];
          expect(c.addWorkingMinutes(s, lo).getTime()).toBeLessThanOrEqual(c.addWorkingMinutes(s, hi).getTime());
        }),
      );
    });

    it(`${name}: a deadline lies in working time (or ends a working period)`, () => {
      fc.assert(
        fc.property(starts, minutes, (s, m) => {
          const due = c.addWorkingMinutes(s, m);
          if (m === 0 && c.isWorkingTime(s)) expect(due).toEqual(s);
          const inside = c.isWorkingTime(due) || (m > 0 && c.isWorkingTime(new Date(due.getTime() - 1)));
          expect(inside).toBe(true);
          expect(c.isWorkingDay(due)).toBe(true);
          expect(due.getTime()).toBeGreaterThanOrEqual(s.getTime());
        }),
      );
    });

    it(`${name}: working minutes add up over consecutive spans`, () => {
      fc.assert(
        fc.property(starts, starts, starts, (x, y, z) => {
          const [a, b, d] = [x, y, z].sort((p, q) => p.getTime() - q.getTime()) as [Date, Date, Date];
          const whole = c.workingMinutesBetween(a, d);
          expect(c.workingMinutesBetween(a, b) + c.workingMinutesBetween(b, d)).toBeCloseTo(whole, 6);
          expect(whole).toBeLessThanOrEqual(c.naturalMinutesBetween(a, d));
        }),
        { numRuns: 50 },
      );
    });
  }
});

describe('clocks', () => {
  const monday = sh('2026-03-02T08:30:00');

  it('counts elapsed time in the clock base and stops counting when stopped', () => {
    const working = startClock(450, 'working', monday);
    expect(elapsedMinutes(cal, working, sh('2026-03-02T13:30:00'))).toBe(210);
    const natural = startClock(450, 'natural', monday);
    expect(elapsedMinutes(cal, natural, sh('2026-03-02T13:30:00'))).toBe(300);
    const stopped = stopClock(working, sh('2026-03-02T10:00:00'));
    expect(elapsedMinutes(cal, stopped, sh('2026-03-05T10:00:00'))).toBe(90);
    expect(elapsedMinutes(cal, working, sh('2026-03-01T10:00:00'))).toBe(0);
  });

  it('gives the deadline in the clock base', () => {
    expect(deadlineOf(cal, startClock(20, 'working', sh('2026-03-02T11:50:00')), monday)).toEqual(
      sh('2026-03-02T13:40:00'),
    );
    expect(deadlineOf(cal, startClock(120, 'natural', sh('2026-03-06T23:00:00')), monday)).toEqual(
      sh('2026-03-07T01:00:00'),
    );
  });

  it('pauses while the case is parked: no deadline, elapsed time frozen, deadline pushed back on resume', () => {
    let clock = startClock(450, 'working', monday); // due Monday 17:30 if never paused
    clock = pauseClock(clock, sh('2026-03-02T10:00:00'));
    expect(isPaused(clock)).toBe(true);
    expect(deadlineOf(cal, clock, sh('2026-03-03T10:00:00'))).toBeNull();
    expect(elapsedMinutes(cal, clock, sh('2026-03-03T10:00:00'))).toBe(90);
    expect(trafficLight(cal, clock, sh('2026-03-10T10:00:00'))).toBe('green');
    clock = resumeClock(clock, sh('2026-03-04T08:30:00'));
    expect(isPaused(clock)).toBe(false);
    // 90 used, 360 left from Wednesday 08:30: 210 in the morning, 150 after lunch → 16:00.
    expect(deadlineOf(cal, clock, sh('2026-03-04T09:00:00'))).toEqual(sh('2026-03-04T16:00:00'));
    expect(elapsedMinutes(cal, clock, sh('2026-03-04T09:00:00'))).toBe(120);
  });

  it('takes several pauses into account, and a repeated pause or resume changes nothing', () => {
    let clock = startClock(60, 'natural', sh('2026-03-02T10:00:00'));
    clock = pauseClock(clock, sh('2026-03-02T10:10:00'));
    expect(pauseClock(clock, sh('2026-03-02T10:20:00'))).toBe(clock);
    clock = resumeClock(clock, sh('2026-03-02T11:00:00'));
    expect(resumeClock(clock, sh('2026-03-02T11:05:00'))).toBe(clock);
    clock = pauseClock(clock, sh('2026-03-02T11:20:00'));
    clock = resumeClock(clock, sh('2026-03-02T12:00:00'));
    // 10 + 20 minutes used before 11:20; the remaining 30 run from 12:00.
    expect(deadlineOf(cal, clock, sh('2026-03-02T12:05:00'))).toEqual(sh('2026-03-02T12:30:00'));
    expect(elapsedMinutes(cal, clock, sh('2026-03-02T12:05:00'))).toBe(35);
  });

  it('keeps a past deadline for a clock that ran out, and for one that was stopped', () => {
    const clock = startClock(30, 'working', sh('2026-03-02T11:50:00'));
    expect(deadlineOf(cal, clock, sh('2026-03-03T09:00:00'))).toEqual(sh('2026-03-02T13:50:00'));
    const stopped = stopClock(clock, sh('2026-03-02T13:35:00'));
    expect(deadlineOf(cal, stopped, sh('2026-03-03T09:00:00'))).toEqual(sh('2026-03-02T13:50:00'));
    // Stopping a parked clock ends the pause at the stop, so the record stays consistent.
    const parked = pauseClock(clock, sh('2026-03-02T11:55:00'));
    const closed = stopClock(parked, sh('2026-03-02T15:00:00'));
    expect(isPaused(closed)).toBe(false);
    expect(elapsedMinutes(cal, closed, sh('2026-03-05T09:00:00'))).toBe(5);
  });

  it('shows green under 80%, yellow from 80% to 100%, red past the limit', () => {
    const clock: ClockState = startClock(100, 'natural', sh('2026-03-02T10:00:00'));
    const at = (m: number) => new Date(clock.startedAt.getTime() + m * 60_000);
    expect(trafficLight(cal, clock, at(0))).toBe('green');
    expect(trafficLight(cal, clock, at(79))).toBe('green');
    expect(trafficLight(cal, clock, at(80))).toBe('yellow');
    expect(trafficLight(cal, clock, at(100))).toBe('yellow');
    expect(trafficLight(cal, clock, at(101))).toBe('red');
  });

  it('reads the traffic light in working time across lunch', () => {
    // 60 working minutes from 11:30: 30 before lunch; at 13:47 that is 47 min = 78% → green; at 13:48, 80% → yellow.
    const clock = startClock(60, 'working', sh('2026-03-02T11:30:00'));
    expect(trafficLight(cal, clock, sh('2026-03-02T13:47:00'))).toBe('green');
    expect(trafficLight(cal, clock, sh('2026-03-02T13:48:00'))).toBe('yellow');
    expect(trafficLight(cal, clock, sh('2026-03-02T14:00:00'))).toBe('yellow');
    expect(trafficLight(cal, clock, sh('2026-03-02T14:00:01'))).toBe('red');
  });

  it('refuses a clock without a positive limit', () => {
    expect(() => startClock(0, 'working', monday)).toThrow(RangeError);
  });
});
