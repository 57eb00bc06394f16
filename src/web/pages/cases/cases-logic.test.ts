import { describe, expect, it } from 'vitest';
import type { CaseSummary } from '../../case-types.ts';
import { landingPath, visibleNavItems } from '../../components/nav-items.tsx';
import { byUrgency } from '../inbox/inbox-model.ts';
import { normaliseCode } from '../track/tracking-data.ts';
import { actionBody, offeredActions } from './action-specs.ts';
import { activeFilterCount, apiQueryOf, filtersFromParams, paramsFromFilters } from './case-filters.ts';

describe('offeredActions', () => {
  it('offers the forward step first and drops what staff never do by hand', () => {
    expect(offeredActions(['reject', 'merge', 'accept', 'escalate', 'rate'])).toEqual(['accept', 'reject', 'merge']);
  });
});

describe('actionBody', () => {
  it('sends only the fields of the action, trimmed, with the version', () => {
    expect(actionBody('reject', { reason: ' not ours ', note: 'ignored', departmentId: 'x' }, 3)).toEqual({ version: 3, reason: 'not ours' });
    expect(actionBody('accept', { duplicatesReviewed: true }, 0)).toEqual({ version: 0, duplicatesReviewed: true });
  });
  it('goes multipart when photos come along', () => {
    const photo = new File([new Uint8Array([1, 2, 3])], 'after.jpg', { type: 'image/jpeg' });
    const body = actionBody('handle', { note: 'done', photos: [photo] }, 7);
    expect(body).toBeInstanceOf(FormData);
    const form = body as FormData;
    expect(form.get('note')).toBe('done');
    expect(form.get('version')).toBe('7');
    expect(form.getAll('photos')).toHaveLength(1);
  });
});

describe('case list filters', () => {
  it('survive the address bar and drop what is not valid', () => {
    const params = new URLSearchParams('state=handled&state=bogus&light=red&category=E01&from=2026-11-01&q=  x  &channel=fax');
    const f = filtersFromParams(params);
    expect(f).toEqual({ state: ['handled'], category: 'E01', light: 'red', from: '2026-11-01', q: 'x', grid: undefined, channel: undefined, to: undefined });
    expect(filtersFromParams(paramsFromFilters(f))).toEqual(f);
    expect(activeFilterCount(f)).toBe(5);
  });
  it('make the "until" day inclusive', () => {
    const q = apiQueryOf({ state: [], from: '2026-11-01', to: '2026-11-30' }, (day) => `${day}T00:00+08:00`);
    expect(q.from).toBe('2026-11-01T00:00+08:00');
    expect(q.to).toBe('2026-12-01T00:00+08:00');
  });
});

describe('inbox order', () => {
  const c = (light: CaseSummary['light'], deadline: string | null, parked = false) =>
    ({ light, stageDeadlineAt: deadline, parked, reportedAt: '2026-01-01T00:00:00Z' }) as CaseSummary;
  it('puts red before yellow before green, then parked, nearest deadline first', () => {
    const list = [c('green', '2026-01-03T00:00:00Z'), c('red', '2026-01-02T00:00:00Z'), c('red', '2026-01-01T00:00:00Z', true), c('yellow', null), c('red', '2026-01-01T00:00:00Z')];
    expect(list.sort(byUrgency).map((x) => `${x.light}${x.parked ? '-parked' : ''}:${x.stageDeadlineAt?.slice(8, 10) ?? '-'}`)).toEqual([
      'red:01',
      'red:02',
      'yellow:-',
      'green:03',
      'red-parked:01',
    ]);
  });
});

describe('navigation by role', () => {
  it('lands case staff on their inbox and admins on the territory', () => {
    expect(landingPath(new Set(['grid_worker']))).toBe('/inbox');
    expect(landingPath(new Set(['admin']))).toBe('/territory');
  });
  it('shows the desk form to clerks, the patrol form to grid workers, admin pages to admins', () => {
    expect(visibleNavItems(new Set(['intake_clerk'])).map((i) => i.key)).toEqual(['inbox', 'cases', 'deskIntake', 'territory', 'registryPersons', 'registryOrganisations']);
    expect(visibleNavItems(new Set(['grid_worker'])).map((i) => i.key)).toEqual(['inbox', 'cases', 'patrolReport', 'territory', 'registryPersons', 'registryOrganisations', 'registryImport']);
    expect(visibleNavItems(new Set(['admin'])).map((i) => i.key)).toEqual([
      'cases',
      'territory',
      'commandCenter',
      'registryPersons',
      'registryOrganisations',
      'registryImport',
      'adminCategories',
      'adminRoutingRules',
      'adminCalendar',
    ]);
    // Departments hold no basic data (policy registry.read).
    expect(visibleNavItems(new Set(['department_staff'])).map((i) => i.key)).toEqual(['inbox', 'cases', 'territory']);
    // The command center is for those who watch a territory (issue 5).
    expect(visibleNavItems(new Set(['leader'])).map((i) => i.key)).toContain('commandCenter');
    expect(visibleNavItems(new Set(['intake_clerk'])).map((i) => i.key)).not.toContain('commandCenter');
  });
});

describe('tracking codes typed by hand', () => {
  it('are upper-cased and dashed in fours', () => {
    expect(normaliseCode(' qz5r ef6y qs43 a4m7 ')).toBe('QZ5R-EF6Y-QS43-A4M7');
    expect(normaliseCode('short')).toBe('SHORT');
  });
});
