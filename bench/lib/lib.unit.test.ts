import { describe, expect, it } from 'vitest';
import { rngFor } from '../../src/demo/prng.ts';
import { validateIdNumber } from '../../src/domain/id-number.ts';
import { sameSpec } from './db.ts';
import { personName, surname } from './names.ts';
import { idNumberOf, seededId } from './people-gen.ts';
import { ratioOf, table } from './report.ts';
import { latency, median, percentile } from './stats.ts';

describe('bench statistics', () => {
  it('takes nearest-rank percentiles, so that a reported p95 is a measured time', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 95)).toBe(95);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(median([3, 1, 2, 4])).toBe(2.5);
    expect(latency([5, 1, 3]).max).toBe(5);
  });

  it('gives the ratio as result throughput over baseline throughput for rates and for times', () => {
    expect(ratioOf({ median: 200, unit: 'rows/s' }, { median: 100, unit: 'rows/s' })).toBe(2);
    expect(ratioOf({ median: 10, unit: 'ms' }, { median: 40, unit: 'ms' })).toBe(4);
    expect(ratioOf({ median: 10, unit: 'ms' }, null)).toBeNull();
    expect(() => ratioOf({ median: 10, unit: 'ms' }, { median: 1, unit: 'rows/s' })).toThrow();
  });

  it('prints one line per row under a header', () => {
    const text = table([{ case: 'a', result: { median: 1, unit: 'ms' }, baseline: null, ratio: null }]);
    expect(text.split('\n')).toHaveLength(3);
  });

  it('compares volume specs whatever the order of their keys', () => {
    expect(sameSpec({ seed: 1, grids: 3000 }, { grids: 3000, seed: 1 })).toBe(true);
    expect(sameSpec({ seed: 1, grids: 300 }, { grids: 3000, seed: 1 })).toBe(false);
    expect(sameSpec(null, { grids: 3000 })).toBe(false);
  });
});

describe('bench people', () => {
  it('draws surnames by their real frequency: 王, 李 and 张 about a fifth together', () => {
    const rng = rngFor(1, 'test:surnames');
    let top = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) if ('王李张'.includes(surname(rng))) top++;
    expect(top / n).toBeGreaterThan(0.17);
    expect(top / n).toBeLessThan(0.24);
  });

  it('makes names of two to four Han characters', () => {
    const rng = rngFor(1, 'test:names');
    for (let i = 0; i < 1000; i++) {
      const name = personName(rng, i % 2 === 0, 1950 + (i % 70));
      expect(name).toMatch(/^\p{Script=Han}{2,4}$/u);
    }
  });

  it('makes valid GB 11643 numbers whose sequence parity is the gender', () => {
    const rng = rngFor(1, 'test:ids');
    for (let i = 0; i < 200; i++) {
      const female = i % 2 === 0;
      const id = idNumberOf('110101', '1980-05-17', female, rng);
      expect(validateIdNumber(id).ok).toBe(true);
      expect(Number(id[16]) % 2).toBe(female ? 0 : 1);
    }
  });

  it('makes the same UUIDv7-shaped ids for the same seed', () => {
    const a = seededId(rngFor(3, 'x'));
    expect(a).toBe(seededId(rngFor(3, 'x')));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
