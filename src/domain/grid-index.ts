import Flatbush from 'flatbush';

/** GeoJSON MultiPolygon coordinates: polygons → rings (first is the shell, the rest holes) → [lng, lat] positions. */
export type MultiPolygonCoords = number[][][][];

export interface GridShape {
  id: string;
  code: string;
  geometry: MultiPolygonCoords;
}

export interface GridRef {
  readonly id: string;
  readonly code: string;
}

export interface NearestGrid {
  id: string;
  code: string;
  distanceMeters: number;
}

/** Distance in degrees (Euclidean in lng/lat) within which a point counts as lying on an edge. */
export const BOUNDARY_EPSILON_DEG = 1e-9;

/**
 * Which grid owns a point. Routing must send a case to exactly one grid whatever order the grids were loaded in, and
 * shared edges computed independently for two neighbours (e.g. by ST_Intersection) differ by rounding, so edges get a
 * tolerance instead of trusting the last bit.
 */
export const BOUNDARY_RULE =
  'A point strictly inside a grid (inside by even-odd ray casting over its shell and holes, and farther than 1e-9 ' +
  'degrees from every edge) belongs to that grid. A point within 1e-9 degrees of an edge of one or more grids belongs ' +
  'to the grid with the lexicographically smallest code among the grids whose closed polygon covers it (ties on code ' +
  'broken by the smallest id). If grids overlap, strict containment wins over boundary contact, and among several ' +
  'strict containers the smallest code wins. So a point on a shared edge or vertex belongs to exactly one grid, ' +
  'independent of input order.';

const EPS = BOUNDARY_EPSILON_DEG;
const EPS2 = EPS * EPS;
const OUTSIDE = 0;
const BOUNDARY = 1;
const INSIDE = 2;
/** Mean Earth radius (IUGG); the equirectangular approximation makes the choice of radius immaterial at city scale. */
const EARTH_RADIUS_M = 6371008.8;
const METERS_PER_DEG = (Math.PI / 180) * EARTH_RADIUS_M;

type Classification = typeof OUTSIDE | typeof BOUNDARY | typeof INSIDE;

interface Flattened {
  coords: Float64Array;
  ringStart: Int32Array;
  ringEnd: Int32Array;
  ringBox: Float64Array;
  partRingStart: Int32Array;
  partRingEnd: Int32Array;
  partGrid: Int32Array;
  partBox: Float64Array;
}

function compareGrids(a: GridShape, b: GridShape): number {
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

function readPosition(position: number[] | undefined, grid: GridShape): [number, number] {
  const x = position?.[0];
  const y = position?.[1];
  if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) {
    throw new TypeError(`grid ${grid.id} has a position that is not a pair of finite numbers`);
  }
  return [x, y];
}

/** Drops the GeoJSON closing position and consecutive duplicates, which would only add zero-length edges. */
function cleanRing(ring: number[][], grid: GridShape): number[] {
  const flat: number[] = [];
  for (const position of ring) {
    const [x, y] = readPosition(position, grid);
    const n = flat.length;
    if (n >= 2 && flat[n - 2] === x && flat[n - 1] === y) continue;
    flat.push(x, y);
  }
  const n = flat.length;
  if (n >= 4 && flat[0] === flat[n - 2] && flat[1] === flat[n - 1]) flat.length = n - 2;
  return flat;
}

/** Packs every ring of every grid into one Float64Array so lookups walk contiguous memory and allocate nothing. */
function flatten(sorted: readonly GridShape[]): Flattened {
  const rings: number[][] = [];
  const parts: Array<{ grid: number; firstRing: number; endRing: number }> = [];
  sorted.forEach((grid, rank) => {
    if (!Array.isArray(grid.geometry)) throw new TypeError(`grid ${grid.id} has no MultiPolygon coordinates`);
    for (const polygon of grid.geometry) {
      const shell = cleanRing(polygon[0] ?? [], grid);
      // A shell with fewer than 3 distinct vertices encloses nothing; a degenerate hole removes nothing.
      if (shell.length < 6) continue;
      const firstRing = rings.length;
      rings.push(shell);
      for (let r = 1; r < polygon.length; r++) {
        const hole = cleanRing(polygon[r]!, grid);
        if (hole.length >= 6) rings.push(hole);
      }
      parts.push({ grid: rank, firstRing, endRing: rings.length });
    }
  });

  let total = 0;
  for (const ring of rings) total += ring.length;
  const coords = new Float64Array(total);
  const ringStart = new Int32Array(rings.length);
  const ringEnd = new Int32Array(rings.length);
  const ringBox = new Float64Array(rings.length * 4);
  let offset = 0;
  rings.forEach((ring, r) => {
    coords.set(ring, offset);
    ringStart[r] = offset;
    ringEnd[r] = offset + ring.length;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < ring.length; i += 2) {
      const x = ring[i]!;
      const y = ring[i + 1]!;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    ringBox.set([minX, minY, maxX, maxY], r * 4);
    offset += ring.length;
  });

  const partRingStart = new Int32Array(parts.length);
  const partRingEnd = new Int32Array(parts.length);
  const partGrid = new Int32Array(parts.length);
  const partBox = new Float64Array(parts.length * 4);
  parts.forEach((part, p) => {
    partRingStart[p] = part.firstRing;
    partRingEnd[p] = part.endRing;
    partGrid[p] = part.grid;
    // Holes lie inside the shell, so the shell's box is the part's box.
    partBox.set(ringBox.subarray(part.firstRing * 4, part.firstRing * 4 + 4), p * 4);
  });
  return { coords, ringStart, ringEnd, ringBox, partRingStart, partRingEnd, partGrid, partBox };
}

/** Squared distance from (px, py) to segment a–b; coordinates relative to a keep precision at lng ≈ 120. */
function segmentDistance2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const rx = px - ax;
  const ry = py - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? (rx * dx + ry * dy) / len2 : 0;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  const ex = rx - t * dx;
  const ey = ry - t * dy;
  return ex * ex + ey * ey;
}

function sortsAfter(entry: { rank: number; distance: number }, distance: number, rank: number): boolean {
  return entry.distance > distance || (entry.distance === distance && entry.rank > rank);
}

/**
 * Point-to-grid index: flatbush over the bounding box of every polygon part, then exact even-odd point-in-polygon
 * with holes. Build once per territory version. A lookup allocates nothing beyond flatbush's two small scratch arrays
 * per search: coordinates are pre-flattened and the returned refs are shared.
 */
export class GridIndex {
  private readonly refs: readonly GridRef[];
  private readonly tree: Flatbush | null;
  private readonly coords: Float64Array;
  private readonly ringStart: Int32Array;
  private readonly ringEnd: Int32Array;
  private readonly ringBox: Float64Array;
  private readonly partRingStart: Int32Array;
  private readonly partRingEnd: Int32Array;
  private readonly partGrid: Int32Array;
  private readonly partBox: Float64Array;

  // Per-query scratch state for the flatbush filter callback, so the callback is one bound function, not a closure
  // allocated per lookup.
  private qx = 0;
  private qy = 0;
  private bestRank = -1;
  private bestStrict = false;

  private constructor(refs: readonly GridRef[], flat: Flattened) {
    this.refs = refs;
    this.coords = flat.coords;
    this.ringStart = flat.ringStart;
    this.ringEnd = flat.ringEnd;
    this.ringBox = flat.ringBox;
    this.partRingStart = flat.partRingStart;
    this.partRingEnd = flat.partRingEnd;
    this.partGrid = flat.partGrid;
    this.partBox = flat.partBox;
    const parts = flat.partGrid.length;
    if (parts === 0) {
      this.tree = null;
      return;
    }
    const tree = new Flatbush(parts);
    for (let p = 0; p < parts; p++) {
      const b = p * 4;
      tree.add(flat.partBox[b]!, flat.partBox[b + 1]!, flat.partBox[b + 2]!, flat.partBox[b + 3]!);
    }
    tree.finish();
    this.tree = tree;
  }

  /** Throws on duplicate ids or non-finite coordinates: either would make routing silently ambiguous. */
  static build(grids: readonly GridShape[]): GridIndex {
    const seen = new Set<string>();
    for (const grid of grids) {
      if (seen.has(grid.id)) throw new RangeError(`duplicate grid id ${grid.id}`);
      seen.add(grid.id);
    }
    // Ranking by code once turns the boundary rule's string comparison into an integer comparison in the hot path.
    const sorted = [...grids].sort(compareGrids);
    const refs = sorted.map((grid): GridRef => Object.freeze({ id: grid.id, code: grid.code }));
    return new GridIndex(refs, flatten(sorted));
  }

  get size(): number {
    return this.refs.length;
  }

  /** The grid that owns the point under BOUNDARY_RULE, or null. The returned object is shared and frozen. */
  locate(lng: number, lat: number): GridRef | null {
    const tree = this.tree;
    if (tree === null || !Number.isFinite(lng) || !Number.isFinite(lat)) return null;
    this.qx = lng;
    this.qy = lat;
    this.bestRank = -1;
    this.bestStrict = false;
    // The filter always answers false so flatbush never grows its result array; the verdict lives in bestRank.
    tree.search(lng - EPS, lat - EPS, lng + EPS, lat + EPS, this.visitPart);
    return this.bestRank < 0 ? null : (this.refs[this.bestRank] ?? null);
  }

  private readonly visitPart = (part: number): boolean => {
    const rank = this.partGrid[part]!;
    const bestRank = this.bestRank;
    if (bestRank >= 0 && this.bestStrict && rank >= bestRank) return false;
    const cls = this.classify(part, this.qx, this.qy);
    if (cls === OUTSIDE) return false;
    const strict = cls === INSIDE;
    if (bestRank < 0 || (strict && !this.bestStrict) || (strict === this.bestStrict && rank < bestRank)) {
      this.bestRank = rank;
      this.bestStrict = strict;
    }
    return false;
  };

  private classify(part: number, x: number, y: number): Classification {
    const c = this.coords;
    const ringBox = this.ringBox;
    let inside = false;
    for (let r = this.partRingStart[part]!, re = this.partRingEnd[part]!; r < re; r++) {
      const b = r * 4;
      // Outside a ring's box a rightward ray crosses it an even number of times and no edge is near: skip it.
      if (x < ringBox[b]! - EPS || y < ringBox[b + 1]! - EPS || x > ringBox[b + 2]! + EPS || y > ringBox[b + 3]! + EPS) {
        continue;
      }
      const start = this.ringStart[r]!;
      const end = this.ringEnd[r]!;
      let xj = c[end - 2]!;
      let yj = c[end - 1]!;
      for (let i = start; i < end; i += 2) {
        const xi = c[i]!;
        const yi = c[i + 1]!;
        if (
          // The point must lie in the edge's box grown by EPS before the exact distance is worth computing.
          (y >= yi - EPS || y >= yj - EPS) &&
          (y <= yi + EPS || y <= yj + EPS) &&
          (x >= xi - EPS || x >= xj - EPS) &&
          (x <= xi + EPS || x <= xj + EPS) &&
          segmentDistance2(x, y, xi, yi, xj, yj) <= EPS2
        ) {
          return BOUNDARY;
        }
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
        xj = xi;
        yj = yi;
      }
    }
    return inside ? INSIDE : OUTSIDE;
  }

  /**
   * The k grids closest to the point, by distance in metres from the point to the grid's closed polygon (0 for a
   * point the grid covers, else the distance to its nearest edge), ascending, ties by code. Distances use an
   * equirectangular projection around the point's latitude: under 0.1% error across a city.
   */
  nearest(lng: number, lat: number, k = 1): NearestGrid[] {
    const tree = this.tree;
    const want = Math.floor(k);
    if (tree === null || !(want >= 1) || !Number.isFinite(lng) || !Number.isFinite(lat)) return [];
    const ky = METERS_PER_DEG;
    const kx = Math.cos((lat * Math.PI) / 180) * METERS_PER_DEG;
    // flatbush orders parts by box distance in degrees; since kx ≤ ky, kx × that distance is a lower bound of the
    // box's distance in metres, which bounds every part still to come.
    const minScale = Math.min(kx, ky);
    const top: Array<{ rank: number; distance: number }> = [];
    const parts = this.partGrid.length;
    let batch = Math.min(parts, want * 4 + 8);
    let done = 0;
    for (;;) {
      const order = tree.neighbors(lng, lat, batch);
      let stopped = false;
      for (; done < order.length; done++) {
        const part = order[done]!;
        const b = part * 4;
        const bdx = Math.max(this.partBox[b]! - lng, lng - this.partBox[b + 2]!, 0);
        const bdy = Math.max(this.partBox[b + 1]! - lat, lat - this.partBox[b + 3]!, 0);
        const lowerBound = Math.sqrt(bdx * bdx + bdy * bdy) * minScale;
        if (top.length >= want && lowerBound > top[want - 1]!.distance) {
          stopped = true;
          break;
        }
        const distance = this.partDistance(part, lng, lat, kx, ky);
        const rank = this.partGrid[part]!;
        const existing = top.findIndex((entry) => entry.rank === rank);
        if (existing >= 0) {
          if (distance >= top[existing]!.distance) continue;
          top.splice(existing, 1);
        } else if (top.length >= want && !(distance < top[want - 1]!.distance)) {
          continue;
        }
        let at = top.length;
        while (at > 0 && sortsAfter(top[at - 1]!, distance, rank)) at--;
        top.splice(at, 0, { rank, distance });
        if (top.length > want) top.length = want;
      }
      if (stopped || order.length < batch || batch >= parts) break;
      batch = Math.min(parts, batch * 4);
    }
    return top.map(({ rank, distance }) => {
      const ref = this.refs[rank]!;
      return { id: ref.id, code: ref.code, distanceMeters: distance };
    });
  }

  private partDistance(part: number, lng: number, lat: number, kx: number, ky: number): number {
    if (this.classify(part, lng, lat) !== OUTSIDE) return 0;
    const c = this.coords;
    let best2 = Infinity;
    for (let r = this.partRingStart[part]!, re = this.partRingEnd[part]!; r < re; r++) {
      const start = this.ringStart[r]!;
      const end = this.ringEnd[r]!;
      let xj = (c[end - 2]! - lng) * kx;
      let yj = (c[end - 1]! - lat) * ky;
      for (let i = start; i < end; i += 2) {
        const xi = (c[i]! - lng) * kx;
        const yi = (c[i + 1]! - lat) * ky;
        const d2 = segmentDistance2(0, 0, xi, yi, xj, yj);
        if (d2 < best2) best2 = d2;
        xj = xi;
        yj = yi;
      }
    }
    return Math.sqrt(best2);
  }
}
