import { describe, expect, it } from 'vitest';
import { attenuationChain } from './attenuation-model.ts';
import type { ChildSummary, Responsibility, Shapes, Tiles } from './command-types.ts';
import { changedTiles, formatRate, rankChildren } from './dashboard-model.ts';
import {
  CHOROPLETH_COLORS,
  classBreaks,
  classOf,
  countByLight,
  joinChoropleth,
  legendClasses,
  NO_DATA_COLOR,
  pointsBbox,
  ZERO_COLOR,
} from './map-model.ts';
import { heatIntensity } from './map-layers.ts';
import { PointSync } from './point-sync.ts';
import { addDays, daysBetween, isoWeek, periodFromParams, presetRange, previousPeriod, recentWeeks, weekStart, withPeriod } from './period.ts';
import { draftsOf, editableAnchors, entriesOf, entryField } from './responsibility-model.ts';

const names = (en: string) => ({ 'zh-Hant': en, 'zh-Hans': en, en });
const node = (id: string, code: string, level: 'district' | 'street' | 'community' | 'grid' = 'street') => ({ id, code, level, name: names(id) });
const indicator = (key: 'on_time_closure_rate' | 'satisfaction_rate', numerator: number, denominator: number) => ({
  key,
  numerator,
  denominator,
  value: denominator === 0 ? null : numerator / denominator,
});
const child = (id: string, code: string, open: number, overdue: number, onTime: [number, number]): ChildSummary => ({
  node: node(id, code),
  open,
  overdue,
  intake: open,
  indicators: [indicator('on_time_closure_rate', ...onTime)],
});

describe('period presets', () => {
  const today = '2024-03-10';
  it('count back from today, today included', () => {
    expect(presetRange('today', today)).toEqual({ from: today, to: today });
    expect(presetRange('7d', today)).toEqual({ from: '2024-03-04', to: today });
    expect(presetRange('30d', today)).toEqual({ from: '2024-02-10', to: today });
    expect(daysBetween('2024-02-10', today)).toBe(30);
  });

  it('default to the last 30 days, as the server does', () => {
    expect(periodFromParams(new URLSearchParams(''), today)).toEqual({ preset: '30d', from: '2024-02-10', to: today });
    expect(periodFromParams(new URLSearchParams('period=nonsense'), today).preset).toBe('30d');
    expect(periodFromParams(new URLSearchParams('period=7d'), today)).toEqual({ preset: '7d', from: '2024-03-04', to: today });
  });

  it('read a custom range, swapping reversed days and refusing impossible ones', () => {
    expect(periodFromParams(new URLSearchParams('period=custom&from=2024-03-05&to=2024-03-01'), today)).toEqual({
      preset: 'custom',
      from: '2024-03-01',
      to: '2024-03-05',
    });
    expect(periodFromParams(new URLSearchParams('period=custom&from=2024-02-30&to=2024-03-01'), today).preset).toBe('30d');
    expect(periodFromParams(new URLSearchParams('period=custom&from=2024-03-01'), today).preset).toBe('30d');
  });

  it('end a custom range today at the latest and keep it within a year', () => {
    expect(periodFromParams(new URLSearchParams('period=custom&from=2024-03-08&to=2024-04-01'), today)).toEqual({
      preset: 'custom',
      from: '2024-03-08',
      to: today,
    });
    const long = periodFromParams(new URLSearchParams('period=custom&from=2019-01-01&to=2024-03-10'), today);
    expect(daysBetween(long.from, long.to)).toBe(366);
  });

  it('round-trip through the address, leaving the default out and other parameters alone', () => {
    const base = new URLSearchParams('jurisdiction=abc');
    expect(withPeriod(base, { preset: '30d', from: 'x', to: 'y' }).toString()).toBe('jurisdiction=abc');
    const custom = withPeriod(base, { preset: 'custom', from: '2024-03-01', to: '2024-03-05' });
    expect(custom.get('jurisdiction')).toBe('abc');
    expect(periodFromParams(custom, today)).toEqual({ preset: 'custom', from: '2024-03-01', to: '2024-03-05' });
    expect(periodFromParams(withPeriod(custom, { preset: 'today', from: today, to: today }), today).preset).toBe('today');
  });

  it('compare with the period of the same length just before', () => {
    expect(previousPeriod({ from: '2024-03-04', to: '2024-03-10' })).toEqual({ from: '2024-02-26', to: '2024-03-03' });
    expect(previousPeriod({ from: '2024-03-01', to: '2024-03-01' })).toEqual({ from: '2024-02-29', to: '2024-02-29' });
  });
});

describe('ISO weeks of the bulletin', () => {
  it('follow ISO 8601 across year ends', () => {
    expect(isoWeek('2024-01-01')).toBe('2024-W01');
    expect(isoWeek('2021-01-03')).toBe('2020-W53');
    expect(isoWeek('2024-12-30')).toBe('2025-W01');
    expect(isoWeek('2023-01-01')).toBe('2022-W52');
    expect(isoWeek('2024-03-10')).toBe('2024-W10');
  });

  it('start on the Monday that isoWeek maps back to the same week', () => {
    for (let day = '2020-12-20'; day < '2021-02-01'; day = addDays(day, 1)) {
      const start = weekStart(isoWeek(day));
      expect(start).not.toBeNull();
      expect(new Date(`${start}T00:00:00Z`).getUTCDay()).toBe(1);
      expect(isoWeek(start as string)).toBe(isoWeek(day));
    }
  });

  it('offer the complete weeks before the current one, newest first', () => {
    expect(recentWeeks('2024-03-10', 3)).toEqual(['2024-W09', '2024-W08', '2024-W07']);
  });
});

describe('case points on the map', () => {
  it('fill the source whole at first: one feature per valid point, the light as `l`', () => {
    const sync = new PointSync();
    const update = sync.next(
      [
        [116.4, 39.9, 2],
        [Number.NaN, 39.9, 0],
        [116.5, 39.8, 3],
        [200, 10, 1],
        [116.6, 39.7, 7],
      ],
      ['a', 'b', 'c', 'd', 'e'],
    );
    expect(update.kind).toBe('full');
    const features = update.kind === 'full' ? update.data.features : [];
    expect(features.map((f) => [sync.caseId(f.id), f.properties.l, f.geometry.coordinates])).toEqual([
      ['a', 2, [116.4, 39.9]],
      ['c', 3, [116.5, 39.8]],
      ['e', 0, [116.6, 39.7]],
    ]);
  });

  it('send a live refresh as the points that came, went, moved or changed light', () => {
    const sync = new PointSync();
    const base: Array<[number, number, number]> = Array.from({ length: 10 }, (_, i) => [116 + i / 100, 39.9, 0]);
    const ids = base.map((_, i) => `case-${i}`);
    sync.next(base, ids);
    const idOf = (caseId: string) => {
      for (let f = 0; f < 100; f++) if (sync.caseId(f) === caseId) return f;
      return -1;
    };
    const next = base.slice(1).map((p) => [...p] as [number, number, number]);
    next[0] = [116.01, 39.9, 2]; // case-1 turns red
    next[1] = [116.5, 39.5, 0]; // case-2 moves
    const update = sync.next([...next, [117, 40, 1]], [...ids.slice(1), 'case-new']);
    expect(update).toEqual({
      kind: 'diff',
      diff: {
        remove: [idOf('case-0')],
        add: [{ type: 'Feature', id: idOf('case-new'), geometry: { type: 'Point', coordinates: [117, 40] }, properties: { l: 1 } }],
        update: [
          { id: idOf('case-1'), addOrUpdateProperties: [{ key: 'l', value: 2 }] },
          { id: idOf('case-2'), newGeometry: { type: 'Point', coordinates: [116.5, 39.5] } },
        ],
      },
    });
    expect(sync.size).toBe(10);
    expect(sync.next([...next, [117, 40, 1]], [...ids.slice(1), 'case-new'])).toEqual({ kind: 'none' });
  });

  it('replace the data whole when most points change (another node) or the map was made anew', () => {
    const sync = new PointSync();
    sync.next([[116, 39, 0], [116.1, 39, 0]], ['a', 'b']);
    expect(sync.next([[117, 40, 0], [117.1, 40, 0]], ['x', 'y']).kind).toBe('full');
    sync.reset();
    expect(sync.next([[117, 40, 0], [117.1, 40, 0]], ['x', 'y']).kind).toBe('full');
  });

  it('handle 100,000 points, counted by light and bounded', () => {
    const points = Array.from({ length: 100_000 }, (_, i) => [116 + (i % 1000) / 1000, 39 + i / 100_000, i % 4] as [number, number, number]);
    const update = new PointSync().next(
      points,
      points.map((_, i) => `c${i}`),
    );
    expect(update.kind === 'full' && update.data.features.length).toBe(100_000);
    expect(countByLight(points)).toEqual([25_000, 25_000, 25_000, 25_000]);
    expect(pointsBbox(points)).toEqual([116, 39, 116.999, 39 + 99_999 / 100_000]);
  });

  it('has no bounds without a valid point', () => {
    expect(pointsBbox([])).toBeNull();
    expect(pointsBbox([[Number.NaN, 1, 0]])).toBeNull();
  });
});

describe('heat map intensity', () => {
  it('is full for a few points and shrinks as they add up, never to nothing', () => {
    expect(heatIntensity(0)).toBe(1);
    expect(heatIntensity(1500)).toBe(1);
    expect(heatIntensity(3000)).toBeCloseTo(0.5);
    expect(heatIntensity(100_000)).toBe(0.1);
  });
});

describe('choropleth classes', () => {
  it('put zero in a class of its own and split the rest by quantiles', () => {
    expect(classBreaks([0, 0, 0])).toEqual([]);
    expect(classBreaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual([2, 4, 6, 8, 10]);
    // Repeated values give fewer classes, never an empty one.
    expect(classBreaks([3, 3, 3, 3, 9])).toEqual([3, 9]);
    expect(classOf(0, [2, 4])).toBe(-1);
    expect(classOf(2, [2, 4])).toBe(0);
    expect(classOf(3, [2, 4])).toBe(1);
    expect(classOf(99, [2, 4])).toBe(1);
  });

  it('describe each class in the legend with its range and colour', () => {
    expect(legendClasses([3, 9])).toEqual([
      { min: 0, max: 0, color: ZERO_COLOR },
      { min: 1, max: 3, color: CHOROPLETH_COLORS[0] },
      { min: 4, max: 9, color: CHOROPLETH_COLORS[4] },
    ]);
  });

  it('join the outlines to the children by id, grey for an outline without figures', () => {
    const shape = (id: string): Shapes['features'][number] => ({
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: [] },
      properties: { id, level: 'street', code: id, name_zh_hant: id, name_zh_hans: id, name_en: id },
    });
    const shapes: Shapes = { type: 'FeatureCollection', features: [shape('a'), shape('b'), shape('c')] };
    const children = [child('a', '01', 10, 0, [0, 0]), child('b', '02', 0, 0, [0, 0])];
    const { collection, breaks } = joinChoropleth(shapes, children, 'open');
    expect(breaks).toEqual([10]);
    expect(collection.features.map((f) => [f.properties.id, f.properties.value, f.properties.color])).toEqual([
      ['a', 10, CHOROPLETH_COLORS[4]],
      ['b', 0, ZERO_COLOR],
      ['c', null, NO_DATA_COLOR],
    ]);
  });
});

describe('ranking of child nodes', () => {
  const children = [child('a', '01', 5, 1, [8, 10]), child('b', '02', 9, 4, [1, 10]), child('c', '03', 9, 0, [0, 0]), child('d', '04', 2, 4, [9, 10])];
  it('puts the worst first: most overdue, ties by code', () => {
    expect(rankChildren(children, 'overdue').map((r) => r.node.id)).toEqual(['b', 'd', 'a', 'c']);
    expect(rankChildren(children, 'open').map((r) => r.node.id)).toEqual(['b', 'c', 'a', 'd']);
  });
  it('ranks the on-time closure rate lowest first, nodes without a rate last', () => {
    expect(rankChildren(children, 'on_time_closure_rate').map((r) => [r.node.id, r.value])).toEqual([
      ['b', 0.1],
      ['a', 0.8],
      ['d', 0.9],
      ['c', null],
    ]);
  });
});

describe('live tiles', () => {
  const tiles = (open: number, satisfied: number): Tiles => ({
    intakeToday: { total: 3, byChannel: { hotline: 3 } },
    open,
    overdue: 1,
    onTimeClosureRate: indicator('on_time_closure_rate', 1, 2),
    satisfactionRate: indicator('satisfaction_rate', satisfied, 4),
  });
  it('name the tiles whose figure changed, none on the first answer', () => {
    expect(changedTiles(undefined, tiles(5, 1))).toEqual([]);
    expect(changedTiles(tiles(5, 1), tiles(5, 1))).toEqual([]);
    expect(changedTiles(tiles(5, 1), tiles(6, 2))).toEqual(['open', 'satisfactionRate']);
  });
  it('show a rate without a denominator as a dash', () => {
    expect(formatRate(null, 'en')).toBe('—');
    expect(formatRate(0.125, 'en')).toBe('12.5%');
  });
});

describe('attenuation chain', () => {
  it('runs from the district down to the grid whatever order the levels come in', () => {
    const lvl = (level: 'district' | 'street' | 'community' | 'grid', median: number) => ({ level, count: 1, medianMinutes: median, p90Minutes: median * 2, onTimeRate: 1 });
    const chain = attenuationChain([lvl('grid', 40), lvl('district', 10), lvl('street', 20)], [lvl('community', 5)]);
    expect(chain.map((c) => [c.level, c.current?.medianMinutes ?? null, c.compare?.medianMinutes ?? null])).toEqual([
      ['district', 10, null],
      ['street', 20, null],
      ['community', null, 5],
      ['grid', 40, null],
    ]);
  });
});

describe('responsibility chain editing', () => {
  const chain: Responsibility = {
    grid: node('g', '001', 'grid'),
    masked: false,
    chain: [
      { level: 'grid', node: node('g', '001', 'grid'), editable: true, people: [{ role: 'grid_worker', name: 'Zhao', userId: 'u1' }, { role: 'Grid head', name: 'Feng' }] },
      { level: 'community', node: node('c', '01', 'community'), editable: true, people: [{ role: 'Secretary', name: 'Zhou', phone: '13812345678' }] },
      { level: 'street', node: node('s', '0', 'street'), editable: true, people: [{ role: 'Leader', name: 'Wu', phone: '138****5678' }] },
      { level: 'district', node: node('d', '1', 'district'), editable: true, people: [] },
      { level: 'department', department: { id: 'dep', code: 'S', kind: 'sanitation', name: names('Sanitation') }, editable: true, people: [{ role: 'Head', name: 'Chen' }] },
    ],
  };

  it('edits exactly the links the server marks editable, departments included', () => {
    expect([...editableAnchors(chain)]).toEqual(['node:g', 'node:c', 'node:s', 'node:d', 'department:dep']);
    const streetAdmin = { ...chain, chain: chain.chain.map((l) => ({ ...l, editable: l.level === 'grid' || l.level === 'community' || l.level === 'street' || l.level === 'department' })) };
    expect([...editableAnchors(streetAdmin)]).toEqual(['node:g', 'node:c', 'node:s', 'department:dep']);
    expect([...editableAnchors({ ...chain, chain: chain.chain.map((l) => ({ ...l, editable: false })) })]).toEqual([]);
  });

  it('leaves the assigned grid workers and masked phones out of the drafts', () => {
    const drafts = draftsOf(chain, editableAnchors(chain));
    expect(drafts.map((d) => [d.anchor, d.name, d.phone])).toEqual([
      ['node:g', 'Feng', ''],
      ['node:c', 'Zhou', '13812345678'],
      ['node:s', 'Wu', ''],
      ['department:dep', 'Chen', ''],
    ]);
  });

  it('turns drafts into the PUT body and finds the entry a server error names', () => {
    expect(
      entriesOf([
        { anchor: 'node:c', role: ' Secretary ', name: 'Zhou', phone: '' },
        { anchor: 'department:dep', role: 'Head', name: ' Chen ', phone: '139 0000 1111', userId: 'u9' },
      ]),
    ).toEqual([
      { jurisdictionId: 'c', role: 'Secretary', name: 'Zhou' },
      { departmentId: 'dep', role: 'Head', name: 'Chen', phone: '139 0000 1111', userId: 'u9' },
    ]);
    expect(entryField('entries.3.phone')).toEqual([3, 'phone']);
    expect(entryField('id')).toBeNull();
  });
});
