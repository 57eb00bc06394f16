/**
 * Plane geometry for the synthetic demo territory, in local metres around the city's origin. PostGIS does the
 * cutting below district level (Voronoi); this file makes the city outline, splits it into districts and picks the
 * seed points of each Voronoi cut. Everything stays convex on purpose: a convex parent cut by Voronoi cells gives
 * convex children, so no level can ever produce a multi-part or sliver-shaped node.
 */
import { between, type Rng } from './prng.ts';

/** [x, y]: metres east and north of the frame's origin, or [lng, lat] in degrees. */
export type Pt = readonly [number, number];
/** An open ring: the first vertex is not repeated at the end. */
export type Ring = Pt[];

/** A local equirectangular frame: good to a few parts in a thousand over a city, plenty for a synthetic map. */
export interface Frame {
  lng0: number;
  lat0: number;
  /** Metres per degree of longitude and of latitude at lat0 (WGS 84 ellipsoid series). */
  mx: number;
  my: number;
}

export function frameAt(lng0: number, lat0: number): Frame {
  const phi = (lat0 * Math.PI) / 180;
  return {
    lng0,
    lat0,
    mx: 111412.84 * Math.cos(phi) - 93.5 * Math.cos(3 * phi) + 0.118 * Math.cos(5 * phi),
    my: 111132.92 - 559.82 * Math.cos(2 * phi) + 1.175 * Math.cos(4 * phi) - 0.0023 * Math.cos(6 * phi),
  };
}

export function toLocal(f: Frame, p: Pt): Pt {
  return [(p[0] - f.lng0) * f.mx, (p[1] - f.lat0) * f.my];
}

export function toLngLat(f: Frame, p: Pt): Pt {
  return [f.lng0 + p[0] / f.mx, f.lat0 + p[1] / f.my];
}

export function ringArea(ring: Ring): number {
  let twice = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    twice += ring[j]![0] * ring[i]![1] - ring[i]![0] * ring[j]![1];
  }
  return Math.abs(twice) / 2;
}

export function ringCentroid(ring: Ring): Pt {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [x0, y0] = ring[j]!;
    const [x1, y1] = ring[i]!;
    const cross = x0 * y1 - x1 * y0;
    a += cross;
    cx += (x0 + x1) * cross;
    cy += (y0 + y1) * cross;
  }
  return [cx / (3 * a), cy / (3 * a)];
}

/** Andrew's monotone chain; counter-clockwise, no collinear vertices. */
export function convexHull(points: readonly Pt[]): Ring {
  const pts = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length < 3) return pts;
  const cross = (o: Pt, a: Pt, b: Pt) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Pt[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Pt[] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return [...lower, ...upper];
}

/**
 * An irregular but convex outline of the given area, centred on the origin: a circle whose radius wobbles with
 * three seeded harmonics, stretched and turned. The harmonics are kept small enough for the curve to stay convex
 * (sum of (k² + 2)·a_k below 1), and the hull is taken anyway so that rounding cannot add a dent.
 */
export function convexBlob(rng: Rng, areaM2: number, vertices = 120): Ring {
  const harmonics = [
    { k: 2, a: between(rng, 0.02, 0.05), phase: between(rng, 0, 2 * Math.PI) },
    { k: 3, a: between(rng, 0.005, 0.02), phase: between(rng, 0, 2 * Math.PI) },
    { k: 4, a: between(rng, 0, 0.008), phase: between(rng, 0, 2 * Math.PI) },
  ];
  const stretch = Math.sqrt(between(rng, 0.8, 1.25));
  const turn = between(rng, 0, Math.PI);
  const raw: Pt[] = [];
  for (let i = 0; i < vertices; i++) {
    const t = (2 * Math.PI * i) / vertices;
    let r = 1;
    for (const h of harmonics) r += h.a * Math.cos(h.k * t + h.phase);
    const x = r * Math.cos(t) * stretch;
    const y = (r * Math.sin(t)) / stretch;
    raw.push([x * Math.cos(turn) - y * Math.sin(turn), x * Math.sin(turn) + y * Math.cos(turn)]);
  }
  const hull = convexHull(raw);
  const scale = Math.sqrt(areaM2 / ringArea(hull));
  const [cx, cy] = ringCentroid(hull);
  return hull.map(([x, y]) => [(x - cx) * scale, (y - cy) * scale] as Pt);
}

/**
 * Splits a convex ring by the line {p : p·u = t} into the part below and the part above. Both parts receive the
 * very same crossing points (one computation, shared), so they meet exactly and their union is the ring.
 */
export function splitConvex(ring: Ring, u: Pt, t: number): [Ring, Ring] {
  const low: Pt[] = [];
  const high: Pt[] = [];
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % ring.length]!;
    const da = a[0] * u[0] + a[1] * u[1] - t;
    const db = b[0] * u[0] + b[1] * u[1] - t;
    if (da <= 0) low.push(a);
    if (da >= 0) high.push(a);
    if ((da < 0 && db > 0) || (da > 0 && db < 0)) {
      const s = da / (da - db);
      const p: Pt = [a[0] + (b[0] - a[0]) * s, a[1] + (b[1] - a[1]) * s];
      low.push(p);
      high.push(p);
    }
  }
  return [low, high];
}

/** The line across `ring` perpendicular to `u` that leaves `fraction` of its area below; bisection on the offset. */
export function cutByArea(ring: Ring, u: Pt, fraction: number): [Ring, Ring] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const p of ring) {
    const d = p[0] * u[0] + p[1] * u[1];
    lo = Math.min(lo, d);
    hi = Math.max(hi, d);
  }
  const total = ringArea(ring);
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    const [below] = splitConvex(ring, u, mid);
    if (ringArea(below) / total < fraction) lo = mid;
    else hi = mid;
  }
  return splitConvex(ring, u, (lo + hi) / 2);
}

/** The direction of a ring's longest extent (principal axis of its vertices). */
function longAxis(ring: Ring): number {
  const [cx, cy] = ringCentroid(ring);
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (const [x, y] of ring) {
    sxx += (x - cx) ** 2;
    syy += (y - cy) ** 2;
    sxy += (x - cx) * (y - cy);
  }
  return 0.5 * Math.atan2(2 * sxy, sxx - syy);
}

export interface Piece {
  key: string;
  /** Share of the whole: a district's number of grids. */
  weight: number;
  /** Where the real one lies, in the same frame: keeps neighbours in their real relative places. */
  anchor: Pt;
}

/**
 * Cuts a convex ring into one convex piece per item with areas proportional to the weights: a k-d split across the
 * long axis (turned a little at random), items ordered along the cut axis by their real position, so a district
 * that lies east of another in reality lies east of it here too.
 */
export function partitionConvex(ring: Ring, items: readonly Piece[], rng: Rng): Map<string, Ring> {
  const out = new Map<string, Ring>();
  const go = (part: Ring, group: readonly Piece[]) => {
    if (group.length === 1) {
      out.set(group[0]!.key, part);
      return;
    }
    const angle = longAxis(part) + between(rng, -0.25, 0.25);
    const u: Pt = [Math.cos(angle), Math.sin(angle)];
    const along = (p: Piece) => p.anchor[0] * u[0] + p.anchor[1] * u[1];
    const sorted = [...group].sort((a, b) => along(a) - along(b) || (a.key < b.key ? -1 : 1));
    const total = sorted.reduce((s, p) => s + p.weight, 0);
    let best = 1;
    let bestGap = Number.POSITIVE_INFINITY;
    let run = 0;
    for (let i = 1; i < sorted.length; i++) {
      run += sorted[i - 1]!.weight;
      const gap = Math.abs(run - total / 2);
      if (gap < bestGap) {
        bestGap = gap;
        best = i;
      }
    }
    const lowWeight = sorted.slice(0, best).reduce((s, p) => s + p.weight, 0);
    const [below, above] = cutByArea(part, u, lowWeight / total);
    go(below, sorted.slice(0, best));
    go(above, sorted.slice(best));
  };
  go(ring, items);
  return out;
}

/**
 * Makes rings that share borders share vertices: a vertex of one ring lying on an edge of another (a later cut
 * ending on an earlier one: a T-junction) is inserted into that edge, with the very same coordinates. Rounded to
 * the storage precision, a T-junction vertex moves off the line it was on, and along a border kilometres long that
 * opens a sliver of square metres; shared vertices move together and open nothing.
 */
export function conform(rings: readonly Ring[], epsilon = 1e-6): Ring[] {
  const all = rings.flat();
  return rings.map((ring) => {
    const out: Pt[] = [];
    for (let i = 0; i < ring.length; i++) {
      const a = ring[i]!;
      const b = ring[(i + 1) % ring.length]!;
      out.push(a);
      const dx = b[0] - a[0];
      const dy = b[1] - a[1];
      const len2 = dx * dx + dy * dy;
      if (len2 === 0) continue;
      const on: Array<{ t: number; p: Pt }> = [];
      for (const p of all) {
        const t = ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2;
        if (t <= 0 || t >= 1) continue;
        const cross = (p[0] - a[0]) * dy - (p[1] - a[1]) * dx;
        if (Math.abs(cross) / Math.sqrt(len2) > epsilon) continue;
        if (on.some((q) => q.p[0] === p[0] && q.p[1] === p[1])) continue;
        on.push({ t, p });
      }
      on.sort((x, y) => x.t - y.t);
      for (const { p } of on) out.push(p);
    }
    return out;
  });
}

/**
 * Adds vertices so that no edge is longer than `maxLength`. The points of an edge are computed from its endpoints
 * in a fixed order, whichever way a ring runs along it, so two rings sharing the edge get identical points. Short
 * edges keep a straight lon/lat border close to the geodesic one, so the areas PostGIS measures on the ellipsoid
 * add up from children to parent.
 */
export function densify(rings: readonly Ring[], maxLength: number): Ring[] {
  return rings.map((ring) => {
    const out: Pt[] = [];
    for (let i = 0; i < ring.length; i++) {
      const a = ring[i]!;
      const b = ring[(i + 1) % ring.length]!;
      out.push(a);
      const n = Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / maxLength);
      if (n <= 1) continue;
      const forward = a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
      const [p, q] = forward ? [a, b] : [b, a];
      const mids: Pt[] = [];
      for (let j = 1; j < n; j++) mids.push([p[0] + ((q[0] - p[0]) * j) / n, p[1] + ((q[1] - p[1]) * j) / n]);
      if (!forward) mids.reverse();
      out.push(...mids);
    }
    return out;
  });
}

/** Even-odd point-in-polygon over every ring of a multipolygon (outer rings and holes alike). */
export function insideMulti(polygons: readonly (readonly Ring[])[], p: Pt): boolean {
  let inside = false;
  for (const poly of polygons) {
    for (const ring of poly) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i]!;
        const [xj, yj] = ring[j]!;
        if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
      }
    }
  }
  return inside;
}

/**
 * `count` points inside the polygons, no two closer than a spacing that shrinks only when the polygon is too full
 * to take another (random sequential addition with a hash grid). Well-spread seeds give Voronoi cells of similar
 * size, with no slivers.
 */
export function samplePoints(rng: Rng, polygons: readonly (readonly Ring[])[], count: number, areaM2: number): Pt[] {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const poly of polygons) {
    for (const [x, y] of poly[0] ?? []) {
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  const points: Pt[] = [];
  let spacing = 0.7 * Math.sqrt(areaM2 / count);
  while (points.length < count) {
    const cell = spacing;
    const grid = new Map<string, Pt[]>();
    const keyOf = (gx: number, gy: number) => `${gx},${gy}`;
    for (const p of points) {
      const k = keyOf(Math.floor(p[0] / cell), Math.floor(p[1] / cell));
      const list = grid.get(k);
      if (list) list.push(p);
      else grid.set(k, [p]);
    }
    let misses = 0;
    while (points.length < count && misses < 200 * count) {
      const p: Pt = [between(rng, minX, maxX), between(rng, minY, maxY)];
      const gx = Math.floor(p[0] / cell);
      const gy = Math.floor(p[1] / cell);
      let ok = insideMulti(polygons, p);
      for (let dx = -1; ok && dx <= 1; dx++) {
        for (let dy = -1; ok && dy <= 1; dy++) {
          for (const q of grid.get(keyOf(gx + dx, gy + dy)) ?? []) {
            if ((q[0] - p[0]) ** 2 + (q[1] - p[1]) ** 2 < spacing * spacing) {
              ok = false;
              break;
            }
          }
        }
      }
      if (!ok) {
        misses++;
        continue;
      }
      points.push(p);
      const k = keyOf(gx, gy);
      const list = grid.get(k);
      if (list) list.push(p);
      else grid.set(k, [p]);
    }
    // Too crowded at this spacing (a thin parent): accept closer points rather than loop forever.
    spacing *= 0.8;
  }
  return points;
}

/**
 * Indices of `points` in reading order: rows from north to south, west to east within a row. Serials and codes
 * are handed out in this order, so grid 001 is in the north-west and numbers run like lines of text, as on the
 * printed grid maps of a community.
 */
export function readingOrder(points: readonly Pt[], rowHeight: number): number[] {
  const top = Math.max(...points.map((p) => p[1]));
  const row = (p: Pt) => Math.floor((top - p[1]) / rowHeight);
  return points
    .map((_, i) => i)
    .sort((a, b) => row(points[a]!) - row(points[b]!) || points[a]![0] - points[b]![0] || a - b);
}
