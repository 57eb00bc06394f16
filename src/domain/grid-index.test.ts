import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BOUNDARY_EPSILON_DEG, BOUNDARY_RULE, GridIndex, type GridShape, type MultiPolygonCoords } from './grid-index.ts';

type Pt = [number, number];

const X0 = 116.39;
const Y0 = 39.9;
/** One tiling unit in degrees (~10 m); tilings are laid out in integer units so oracles can use exact arithmetic. */
const U = 1e-4;

const lng = (ux: number): number => X0 + ux * U;
const lat = (uy: number): number => Y0 + uy * U;

function rect(x0: number, y0: number, x1: number, y1: number): number[][] {
  return [
    [lng(x0), lat(y0)],
    [lng(x1), lat(y0)],
    [lng(x1), lat(y1)],
    [lng(x0), lat(y1)],
    [lng(x0), lat(y0)],
  ];
}

function gridCode(serial: number): string {
  return `110101001001${String(serial).padStart(3, '0')}`;
}

/** Deterministic PRNG so a fast-check seed fully describes a tiling and shrinks cleanly. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Serials 1..n in random order, so code order is unrelated to position and to input order. */
function randomCodes(n: number, random: () => number): string[] {
  return shuffle(
    Array.from({ length: n }, (_, i) => gridCode(i + 1)),
    random,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Brick tiling: rows of rectangles with independent cut points, so T-junctions appear where one cell's vertex lies
// inside a neighbour's edge.

interface BrickCell {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  code: string;
}

const BRICK_ROW_HEIGHT = 5;

function brickTiling(width: number, rows: number, seed: number): { cells: BrickCell[]; grids: GridShape[] } {
  const random = mulberry32(seed);
  const bounds: Array<[number, number, number]> = [];
  for (let row = 0; row < rows; row++) {
    const cuts = new Set<number>();
    const wanted = Math.floor(random() * Math.min(width - 1, 5));
    for (let i = 0; i < wanted; i++) cuts.add(1 + Math.floor(random() * (width - 1)));
    const xs = [0, ...[...cuts].sort((a, b) => a - b), width];
    for (let i = 0; i + 1 < xs.length; i++) bounds.push([row, xs[i]!, xs[i + 1]!]);
  }
  const codes = randomCodes(bounds.length, random);
  const cells = bounds.map(([row, x0, x1], i) => ({
    x0,
    x1,
    y0: row * BRICK_ROW_HEIGHT,
    y1: (row + 1) * BRICK_ROW_HEIGHT,
    code: codes[i]!,
  }));
  const grids = cells.map((c, i) => ({ id: `brick-${i}`, code: c.code, geometry: [[rect(c.x0, c.y0, c.x1, c.y1)]] }));
  return { cells, grids };
}

/** The owner by exact arithmetic in tiling units: every cell whose closed rectangle holds the point, smallest code. */
function brickOwner(cells: readonly BrickCell[], ux: number, uy: number): string | null {
  let best: string | null = null;
  for (const c of cells) {
    if (ux >= c.x0 && ux <= c.x1 && uy >= c.y0 && uy <= c.y1 && (best === null || c.code < best)) best = c.code;
  }
  return best;
}

/** A coordinate in units that is either exactly on a lattice line or well clear of it. */
function unitCoordinate(max: number): fc.Arbitrary<number> {
  return fc
    .tuple(fc.integer({ min: 0, max }), fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 0.99, noNaN: true })))
    .map(([whole, frac]) => Math.min(whole + frac, max));
}

// ---------------------------------------------------------------------------------------------------------------
// Voronoi tiling of a jittered square lattice, each cell clipped independently, so neighbours' shared edges agree
// only up to rounding, as they do when PostGIS cuts real tilings.

interface Voronoi {
  sites: Pt[];
  codes: string[];
  cells: Pt[][];
  grids: GridShape[];
  width: number;
  height: number;
}

const CELL_DEG = 0.002;

/** Keeps the part of a convex polygon closer to a than to b. */
function clipHalfPlane(poly: Pt[], a: Pt, b: Pt): Pt[] {
  const nx = b[0] - a[0];
  const ny = b[1] - a[1];
  const mx = (a[0] + b[0]) / 2;
  const my = (a[1] + b[1]) / 2;
  const side = (p: Pt): number => (p[0] - mx) * nx + (p[1] - my) * ny;
  const out: Pt[] = [];
  for (let i = 0; i < poly.length; i++) {
    const cur = poly[i]!;
    const prev = poly[(i + poly.length - 1) % poly.length]!;
    const fc_ = side(cur);
    const fp = side(prev);
    const cross = (): Pt => {
      const t = fp / (fp - fc_);
      return [prev[0] + t * (cur[0] - prev[0]), prev[1] + t * (cur[1] - prev[1])];
    };
    if (fc_ <= 0) {
      if (fp > 0) out.push(cross());
      out.push(cur);
    } else if (fp <= 0) {
      out.push(cross());
    }
  }
  return out;
}

function voronoiTiling(nx: number, ny: number, seed: number): Voronoi {
  const random = mulberry32(seed);
  const width = nx * CELL_DEG;
  const height = ny * CELL_DEG;
  const sites: Pt[] = [];
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      sites.push([
        X0 + (i + 0.5 + (random() - 0.5) * 0.8) * CELL_DEG,
        Y0 + (j + 0.5 + (random() - 0.5) * 0.8) * CELL_DEG,
      ]);
    }
  }
  const codes = randomCodes(sites.length, random);
  const cells = sites.map((site, s) => {
    let poly: Pt[] = [
      [X0, Y0],
      [X0 + width, Y0],
      [X0 + width, Y0 + height],
      [X0, Y0 + height],
    ];
    sites.forEach((other, o) => {
      if (o !== s) poly = clipHalfPlane(poly, site, other);
    });
    return poly;
  });
  const grids = cells.map((poly, i) => ({
    id: `cell-${i}`,
    code: codes[i]!,
    geometry: [[[...poly, poly[0]!]]],
  }));
  return { sites, codes, cells, grids, width, height };
}

/**
 * The owner by the Voronoi property: the cells of the sites nearest to the point. Returns undefined when a further
 * site is so nearly tied that the 1e-9 degree tolerance makes the answer legitimately either way.
 */
function voronoiOwner(v: Voronoi, p: Pt, tie: number): string | undefined {
  const d = v.sites.map((s) => Math.hypot(s[0] - p[0], s[1] - p[1]));
  const min = Math.min(...d);
  let best: string | undefined;
  for (let i = 0; i < d.length; i++) {
    const gap = d[i]! - min;
    if (gap > tie && gap < 1e-7) return undefined;
    if (gap <= tie && (best === undefined || v.codes[i]! < best)) best = v.codes[i]!;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------------------------

describe('GridIndex.locate on a brick tiling with T-junctions', () => {
  const tiling = fc.record({
    width: fc.integer({ min: 1, max: 12 }),
    rows: fc.integer({ min: 1, max: 6 }),
    seed: fc.integer(),
  });

  it('puts every point of the covered area in exactly the grid whose closed cell holds it, smallest code on edges', () => {
    fc.assert(
      fc.property(
        tiling.chain((t) =>
          fc.tuple(
            fc.constant(t),
            fc.array(fc.tuple(unitCoordinate(t.width), unitCoordinate(t.rows * BRICK_ROW_HEIGHT)), {
              minLength: 1,
              maxLength: 40,
            }),
          ),
        ),
        ([{ width, rows, seed }, points]) => {
          const { cells, grids } = brickTiling(width, rows, seed);
          const index = GridIndex.build(grids);
          for (const [ux, uy] of points) {
            const expected = brickOwner(cells, ux, uy);
            expect(expected).not.toBeNull();
            expect(index.locate(lng(ux), lat(uy))?.code).toBe(expected);
          }
        },
      ),
    );
  });

  it('resolves every vertex and T-junction to the smallest code among the cells touching it', () => {
    fc.assert(
      fc.property(tiling, ({ width, rows, seed }) => {
        const { cells, grids } = brickTiling(width, rows, seed);
        const index = GridIndex.build(grids);
        for (const c of cells) {
          for (const [ux, uy] of [
            [c.x0, c.y0],
            [c.x1, c.y0],
            [c.x1, c.y1],
            [c.x0, c.y1],
          ] as const) {
            expect(index.locate(lng(ux), lat(uy))?.code).toBe(brickOwner(cells, ux, uy));
          }
        }
      }),
    );
  });

  it('gives the same owner for every point whatever order the grids are loaded in', () => {
    fc.assert(
      fc.property(
        tiling,
        fc.integer(),
        fc.array(fc.tuple(unitCoordinate(12), unitCoordinate(30)), { minLength: 1, maxLength: 30 }),
        ({ width, rows, seed }, shuffleSeed, points) => {
          const { grids } = brickTiling(width, rows, seed);
          const a = GridIndex.build(grids);
          const b = GridIndex.build(shuffle(grids, mulberry32(shuffleSeed)));
          for (const [ux, uy] of points) {
            expect(b.locate(lng(ux), lat(uy))).toEqual(a.locate(lng(ux), lat(uy)));
          }
        },
      ),
    );
  });

  it('returns null outside the tiling', () => {
    const { grids } = brickTiling(4, 2, 1);
    const index = GridIndex.build(grids);
    expect(index.locate(lng(-0.5), lat(1))).toBeNull();
    expect(index.locate(lng(2), lat(2 * BRICK_ROW_HEIGHT + 0.5))).toBeNull();
    expect(index.locate(0, 0)).toBeNull();
  });
});

describe('GridIndex.locate on a Voronoi tiling of a jittered lattice', () => {
  const tiling = fc.record({
    nx: fc.integer({ min: 1, max: 6 }),
    ny: fc.integer({ min: 1, max: 6 }),
    seed: fc.integer(),
  });

  it('puts every random point in the covered area in the cell of its nearest site', () => {
    fc.assert(
      fc.property(
        tiling,
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), {
          minLength: 1,
          maxLength: 50,
        }),
        ({ nx, ny, seed }, points) => {
          const v = voronoiTiling(nx, ny, seed);
          const index = GridIndex.build(v.grids);
          for (const [fx, fy] of points) {
            const p: Pt = [X0 + fx * v.width, Y0 + fy * v.height];
            const found = index.locate(p[0], p[1]);
            expect(found).not.toBeNull();
            const expected = voronoiOwner(v, p, 1e-12);
            if (expected !== undefined) expect(found?.code).toBe(expected);
          }
        },
      ),
    );
  });

  it('resolves points on shared edges and at shared vertices to the smallest code among the touching cells', () => {
    fc.assert(
      fc.property(tiling, fc.double({ min: 0.05, max: 0.95, noNaN: true }), ({ nx, ny, seed }, t) => {
        const v = voronoiTiling(nx, ny, seed);
        const index = GridIndex.build(v.grids);
        let checked = 0;
        for (const poly of v.cells) {
          for (let i = 0; i < poly.length; i++) {
            const a = poly[i]!;
            const b = poly[(i + 1) % poly.length]!;
            const onEdge: Pt = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
            for (const p of [a, onEdge]) {
              const expected = voronoiOwner(v, p, 1e-11);
              if (expected === undefined) continue;
              expect(index.locate(p[0], p[1])?.code).toBe(expected);
              checked++;
            }
          }
        }
        expect(checked).toBeGreaterThan(0);
      }),
    );
  });

  it('does not depend on the order the cells are loaded in', () => {
    fc.assert(
      fc.property(tiling, fc.integer(), ({ nx, ny, seed }, shuffleSeed) => {
        const v = voronoiTiling(nx, ny, seed);
        const a = GridIndex.build(v.grids);
        const b = GridIndex.build(shuffle(v.grids, mulberry32(shuffleSeed)));
        for (const poly of v.cells) {
          for (const p of poly) expect(b.locate(p[0], p[1])).toEqual(a.locate(p[0], p[1]));
        }
      }),
    );
  });
});

describe('GridIndex.locate with holes and multipolygons', () => {
  // A: square 0..10 with a hole 3..7, plus a second part far away. C: fills the hole, with its own empty hole 4..6.
  function donut(codeA: string, codeC: string): GridShape[] {
    return [
      { id: 'a', code: codeA, geometry: [[rect(0, 0, 10, 10), rect(3, 3, 7, 7)], [rect(20, 0, 22, 2)]] },
      { id: 'c', code: codeC, geometry: [[rect(3, 3, 7, 7), rect(4, 4, 6, 6)]] },
    ];
  }

  function donutOwner(ux: number, uy: number, codeA: string, codeC: string): string | null {
    const within = (lo: number, hi: number) => ux >= lo && ux <= hi && uy >= lo && uy <= hi;
    const strictly = (lo: number, hi: number) => ux > lo && ux < hi && uy > lo && uy < hi;
    if (ux >= 20 && ux <= 22 && uy >= 0 && uy <= 2) return codeA;
    if (strictly(4, 6)) return null;
    if (within(4, 6)) return codeC;
    if (strictly(3, 7)) return codeC;
    if (within(3, 7)) return codeA < codeC ? codeA : codeC;
    if (within(0, 10)) return codeA;
    return null;
  }

  it('excludes holes, lets a grid fill another grid’s hole, and splits hole rims by smallest code', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.tuple(unitCoordinate(23), unitCoordinate(11)), { minLength: 1, maxLength: 60 }),
        (aFirst, points) => {
          const [codeA, codeC] = aFirst ? [gridCode(1), gridCode(2)] : [gridCode(2), gridCode(1)];
          const index = GridIndex.build(donut(codeA, codeC));
          for (const [ux, uy] of points) {
            expect(index.locate(lng(ux), lat(uy))?.code ?? null).toBe(donutOwner(ux, uy, codeA, codeC));
          }
        },
      ),
    );
  });

  it('returns null in an empty hole and the surrounding grid on the hole’s rim', () => {
    const index = GridIndex.build([{ id: 'a', code: gridCode(5), geometry: [[rect(0, 0, 10, 10), rect(3, 3, 7, 7)]] }]);
    expect(index.locate(lng(5), lat(5))).toBeNull();
    expect(index.locate(lng(3), lat(5))?.id).toBe('a');
    expect(index.locate(lng(1), lat(1))?.id).toBe('a');
  });

  it('finds a grid through any part of its multipolygon', () => {
    const index = GridIndex.build(donut(gridCode(1), gridCode(2)));
    expect(index.locate(lng(21), lat(1))?.id).toBe('a');
    expect(index.locate(lng(15), lat(1))).toBeNull();
  });

  it('treats open and closed rings alike', () => {
    const closed = rect(0, 0, 4, 4);
    const open = closed.slice(0, 4);
    const a = GridIndex.build([{ id: 'g', code: gridCode(1), geometry: [[closed]] }]);
    const b = GridIndex.build([{ id: 'g', code: gridCode(1), geometry: [[open]] }]);
    for (const [ux, uy] of [
      [2, 2],
      [0, 2],
      [4, 4],
      [5, 2],
    ] as const) {
      expect(b.locate(lng(ux), lat(uy))).toEqual(a.locate(lng(ux), lat(uy)));
    }
  });
});

describe('GridIndex boundary tolerance and edge cases', () => {
  const square = (): GridShape[] => [{ id: 'g', code: gridCode(1), geometry: [[rect(0, 0, 4, 4)]] }];

  it('counts a point within 1e-9 degrees outside an edge as on the boundary, and one 1e-8 away as outside', () => {
    const index = GridIndex.build(square());
    expect(index.locate(lng(0) - BOUNDARY_EPSILON_DEG / 2, lat(2))?.id).toBe('g');
    expect(index.locate(lng(0) - 1e-8, lat(2))).toBeNull();
  });

  it('gives a point just inside a shared edge to its own grid, not the smaller neighbour', () => {
    const index = GridIndex.build([
      { id: 'small', code: gridCode(1), geometry: [[rect(0, 0, 4, 4)]] },
      { id: 'large', code: gridCode(2), geometry: [[rect(4, 0, 8, 4)]] },
    ]);
    expect(index.locate(lng(4), lat(2))?.id).toBe('small');
    expect(index.locate(lng(4) + 1e-8, lat(2))?.id).toBe('large');
  });

  it('breaks ties between identical codes by id', () => {
    const geometry = [[rect(0, 0, 4, 4)]];
    const index = GridIndex.build([
      { id: 'z', code: gridCode(1), geometry },
      { id: 'b', code: gridCode(1), geometry },
    ]);
    expect(index.locate(lng(2), lat(2))?.id).toBe('b');
  });

  it('lets strict containment win over boundary contact where grids overlap', () => {
    const index = GridIndex.build([
      { id: 'outer', code: gridCode(2), geometry: [[rect(0, 0, 10, 10)]] },
      { id: 'edge', code: gridCode(1), geometry: [[rect(5, 0, 9, 4)]] },
    ]);
    expect(index.locate(lng(5), lat(2))?.id).toBe('outer');
    expect(index.locate(lng(6), lat(2))?.id).toBe('edge');
  });

  it('returns null for non-finite coordinates and from an empty index', () => {
    const index = GridIndex.build(square());
    expect(index.locate(Number.NaN, lat(2))).toBeNull();
    expect(index.locate(lng(2), Number.POSITIVE_INFINITY)).toBeNull();
    const empty = GridIndex.build([]);
    expect(empty.size).toBe(0);
    expect(empty.locate(lng(2), lat(2))).toBeNull();
    expect(empty.nearest(lng(2), lat(2), 3)).toEqual([]);
  });

  it('counts grids, including ones whose geometry is degenerate', () => {
    const index = GridIndex.build([
      ...square(),
      { id: 'flat', code: gridCode(2), geometry: [[[[X0, Y0], [X0 + U, Y0], [X0, Y0]]]] },
      { id: 'empty', code: gridCode(3), geometry: [] },
    ]);
    expect(index.size).toBe(3);
    expect(index.locate(lng(2), lat(2))?.id).toBe('g');
  });

  it('rejects duplicate ids and non-finite coordinates', () => {
    expect(() => GridIndex.build([...square(), ...square()])).toThrow(/duplicate grid id/);
    const bad: MultiPolygonCoords = [[[[X0, Y0], [Number.NaN, Y0], [X0, Y0 + U]]]];
    expect(() => GridIndex.build([{ id: 'bad', code: gridCode(1), geometry: bad }])).toThrow(TypeError);
  });

  it('states the boundary rule it implements', () => {
    expect(BOUNDARY_RULE).toMatch(/1e-9 degrees/);
    expect(BOUNDARY_RULE).toMatch(/smallest code/);
  });
});

describe('GridIndex.nearest', () => {
  const EARTH_RADIUS_M = 6371008.8;
  const METERS_PER_DEG = (Math.PI / 180) * EARTH_RADIUS_M;

  function haversine(lng1: number, lat1: number, lng2: number, lat2: number): number {
    const rad = Math.PI / 180;
    const h =
      Math.sin(((lat2 - lat1) * rad) / 2) ** 2 +
      Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lng2 - lng1) * rad) / 2) ** 2;
    return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(h));
  }

  interface Box {
    x0: number;
    y0: number;
    x1: number;
    y1: number;
  }

  /** Axis-aligned boxes stay boxes under an equirectangular projection, so their distance is a clamp: an oracle. */
  function boxDistance(b: Box, x: number, y: number): number {
    const kx = Math.cos((y * Math.PI) / 180) * METERS_PER_DEG;
    const dx = Math.max(b.x0 - x, 0, x - b.x1) * kx;
    const dy = Math.max(b.y0 - y, 0, y - b.y1) * METERS_PER_DEG;
    return Math.hypot(dx, dy);
  }

  const boxArb = (lat0: number): fc.Arbitrary<Box> =>
    fc
      .tuple(
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        fc.double({ min: 1e-5, max: 0.03, noNaN: true }),
        fc.double({ min: 1e-5, max: 0.03, noNaN: true }),
      )
      .map(([x, y, w, h]) => ({ x0: 116 + x, y0: lat0 + y, x1: 116 + x + w, y1: lat0 + y + h }));

  it('returns the k grids with the smallest exact distance, ascending, at any latitude', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -60, max: 60, noNaN: true }).chain((lat0) =>
          fc.tuple(
            fc.constant(lat0),
            fc.array(fc.array(boxArb(lat0), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 40 }),
            fc.tuple(fc.double({ min: -0.1, max: 0.3, noNaN: true }), fc.double({ min: -0.1, max: 0.3, noNaN: true })),
            fc.integer({ min: 1, max: 8 }),
          ),
        ),
        ([lat0, grids, [px, py], k]) => {
          const x = 116 + px;
          const y = lat0 + py;
          const shapes = grids.map((boxes, i) => ({
            id: `n${i}`,
            code: gridCode(i + 1),
            geometry: boxes.map((b) => [
              [
                [b.x0, b.y0],
                [b.x1, b.y0],
                [b.x1, b.y1],
                [b.x0, b.y1],
              ],
            ]),
          }));
          const oracle = new Map(grids.map((boxes, i) => [`n${i}`, Math.min(...boxes.map((b) => boxDistance(b, x, y)))]));
          const expectedDistances = [...oracle.values()].sort((a, b) => a - b).slice(0, k);
          const found = GridIndex.build(shapes).nearest(x, y, k);
          expect(found).toHaveLength(Math.min(k, grids.length));
          found.forEach((hit, i) => {
            // 3 decimals: within 1e-9 degrees (~0.1 mm) of an edge a grid covers the point, so the distance is 0.
            expect(hit.distanceMeters).toBeCloseTo(oracle.get(hit.id)!, 3);
            expect(hit.distanceMeters).toBeCloseTo(expectedDistances[i]!, 3);
            if (i > 0) expect(hit.distanceMeters).toBeGreaterThanOrEqual(found[i - 1]!.distanceMeters);
          });
        },
      ),
    );
  });

  it('reports distance 0 for the grid that covers the point and metres to the nearest edge for the others', () => {
    const index = GridIndex.build([
      { id: 'here', code: gridCode(2), geometry: [[rect(0, 0, 10, 10)]] },
      { id: 'east', code: gridCode(1), geometry: [[rect(20, 0, 30, 10)]] },
    ]);
    const [first, second] = index.nearest(lng(5), lat(5), 2);
    expect(first).toEqual({ id: 'here', code: gridCode(2), distanceMeters: 0 });
    const expected = 15 * U * Math.cos((lat(5) * Math.PI) / 180) * METERS_PER_DEG;
    expect(second?.id).toBe('east');
    expect(second?.distanceMeters).toBeCloseTo(expected, 6);
    // The projection's error against great-circle distance is far below a centimetre at this scale.
    expect(Math.abs((second?.distanceMeters ?? 0) - haversine(lng(5), lat(5), lng(20), lat(5)))).toBeLessThan(0.01);
  });

  it('measures to a hole’s rim from inside the hole', () => {
    const index = GridIndex.build([{ id: 'a', code: gridCode(1), geometry: [[rect(0, 0, 10, 10), rect(3, 3, 7, 7)]] }]);
    const [hit] = index.nearest(lng(5), lat(5));
    expect(hit?.distanceMeters).toBeCloseTo(2 * U * Math.cos((lat(5) * Math.PI) / 180) * METERS_PER_DEG, 6);
  });

  it('returns every grid when k exceeds the count, and nothing when k < 1', () => {
    const { grids } = brickTiling(6, 3, 7);
    const index = GridIndex.build(grids);
    expect(index.nearest(lng(100), lat(100), 1000)).toHaveLength(grids.length);
    expect(index.nearest(lng(1), lat(1), 0)).toEqual([]);
  });

  it('lists each grid once even when several of its parts are near', () => {
    const index = GridIndex.build([
      { id: 'multi', code: gridCode(1), geometry: [[rect(0, 0, 1, 1)], [rect(2, 0, 3, 1)], [rect(4, 0, 5, 1)]] },
      { id: 'far', code: gridCode(2), geometry: [[rect(50, 0, 51, 1)]] },
    ]);
    expect(index.nearest(lng(2.5), lat(3), 2).map((hit) => hit.id)).toEqual(['multi', 'far']);
  });
});
