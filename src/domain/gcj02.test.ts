import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gcj02ToWgs84, outOfChina, wgs84ToGcj02 } from './gcj02.ts';

const METERS_PER_DEG = (Math.PI / 180) * 6371008.8;

/** Points well inside the bounding box, so neither end of a round trip can fall out of it. */
const inChina = fc.tuple(
  fc.double({ min: 73.5, max: 135, noNaN: true }),
  fc.double({ min: 18, max: 53.5, noNaN: true }),
);

function metres(a: readonly [number, number], b: readonly [number, number]): number {
  const dx = (a[0] - b[0]) * Math.cos((a[1] * Math.PI) / 180) * METERS_PER_DEG;
  const dy = (a[1] - b[1]) * METERS_PER_DEG;
  return Math.hypot(dx, dy);
}

describe('wgs84ToGcj02', () => {
  it('matches the published reference pair for Tiananmen (wandergis/coordtransform)', () => {
    const [lng, lat] = wgs84ToGcj02(116.404, 39.915);
    expect(lng).toBeCloseTo(116.41024449916938, 12);
    expect(lat).toBeCloseTo(39.91640428150164, 12);
  });

  it('shifts points inside China by tens to hundreds of metres', () => {
    fc.assert(
      fc.property(inChina, ([lng, lat]) => {
        const shift = metres(wgs84ToGcj02(lng, lat), [lng, lat]);
        expect(shift).toBeGreaterThan(1);
        expect(shift).toBeLessThan(1500);
      }),
    );
  });

  it('returns points outside China unchanged', () => {
    for (const [lng, lat] of [
      [139.6917, 35.6895], // Tokyo
      [-0.1276, 51.5072], // London
      [72.0, 30.0],
      [100.0, 0.5],
      [100.0, 56.0],
    ] as const) {
      expect(outOfChina(lng, lat)).toBe(true);
      expect(wgs84ToGcj02(lng, lat)).toEqual([lng, lat]);
      expect(gcj02ToWgs84(lng, lat)).toEqual([lng, lat]);
    }
  });
});

describe('gcj02ToWgs84', () => {
  it('inverts the Tiananmen reference pair to the original WGS 84 point', () => {
    const [lng, lat] = gcj02ToWgs84(116.41024449916938, 39.91640428150164);
    expect(lng).toBeCloseTo(116.404, 10);
    expect(lat).toBeCloseTo(39.915, 10);
  });

  it('is more exact than the published one-step approximation, and within a few centimetres of it', () => {
    // coordtransform's gcj02towgs84(116.404, 39.915) subtracts the offset once: (116.39775550083061, 39.91359571849836).
    const oneStep: [number, number] = [116.39775550083061, 39.91359571849836];
    const iterated = gcj02ToWgs84(116.404, 39.915);
    expect(metres(iterated, oneStep)).toBeLessThan(0.1);
    expect(metres(wgs84ToGcj02(...iterated), [116.404, 39.915])).toBeLessThan(1e-6);
    expect(metres(wgs84ToGcj02(...oneStep), [116.404, 39.915])).toBeGreaterThan(metres(wgs84ToGcj02(...iterated), [116.404, 39.915]));
  });

  it('round-trips gcj02 → wgs84 → gcj02 within 1e-6 degrees', () => {
    fc.assert(
      fc.property(inChina, ([lng, lat]) => {
        const back = wgs84ToGcj02(...gcj02ToWgs84(lng, lat));
        expect(Math.abs(back[0] - lng)).toBeLessThan(1e-6);
        expect(Math.abs(back[1] - lat)).toBeLessThan(1e-6);
      }),
    );
  });

  it('recovers the WGS 84 point to under 0.01 m anywhere inside China', () => {
    fc.assert(
      fc.property(inChina, ([lng, lat]) => {
        const recovered = gcj02ToWgs84(...wgs84ToGcj02(lng, lat));
        expect(metres(recovered, [lng, lat])).toBeLessThan(0.01);
      }),
    );
  });
});
