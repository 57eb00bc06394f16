import { describe, expect, it } from 'vitest';
import { checkWorkingHours, minutesPerWorkingDay, withDay, yearProblems } from './calendar-model.ts';

describe('working calendar model', () => {
  it('counts a working day of 08:30–12:00 and 13:30–17:30 as 450 minutes', () => {
    expect(
      minutesPerWorkingDay([
        ['08:30', '12:00'],
        ['13:30', '17:30'],
      ]),
    ).toBe(450);
    expect(minutesPerWorkingDay(undefined)).toBe(450);
  });
  it('refuses periods out of order or malformed', () => {
    expect(checkWorkingHours([['08:30', '12:00']])).toBe('ok');
    expect(
      checkWorkingHours([
        ['08:30', '12:00'],
        ['11:00', '17:00'],
      ]),
    ).toBe('order');
    expect(checkWorkingHours([['8:30', '12:00']])).toBe('format');
    expect(checkWorkingHours([])).toBe('format');
  });
  it('flags days of another year, days in both lists and weekday make-up days', () => {
    expect(yearProblems(2027, ['2027-10-01', '2026-12-31'], ['2027-10-01', '2027-10-09', '2027-10-11'])).toEqual([
      { day: '2026-12-31', problem: 'other_year' },
      { day: '2027-10-01', problem: 'in_both' },
      { day: '2027-10-01', problem: 'weekday_workday' },
      { day: '2027-10-11', problem: 'weekday_workday' },
    ]);
  });
  it('adds a day once, in order', () => {
    expect(withDay(['2027-02-01'], '2027-01-01')).toEqual(['2027-01-01', '2027-02-01']);
    expect(withDay(['2027-01-01'], '2027-01-01')).toEqual(['2027-01-01']);
  });
});
