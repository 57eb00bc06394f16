/**
 * Checks that a territory tiles: every node a valid single polygon, siblings without overlap, children covering
 * their parent and not leaving it, all measured on the ellipsoid (::geography) against a tolerance in m². Used by
 * the demo's tests; usable after any import, since it reads only the current rows.
 *
 * Two choices come from PGlite, where a GEOS exception makes the query return no row instead of an error: every
 * query here is an aggregate that must return exactly one row (none means the check itself failed, and it throws),
 * and overlays run with snap-rounding on a precision grid, which does not throw on near-coincident edges.
 * Areas are those of the planar overlay results measured on the ellipsoid; summing children's geodesic areas
 * instead would not work: a straight lon/lat edge split by a child's vertex is a different geodesic.
 */
import { sql } from 'kysely';
import { systemCaller } from '../db/caller.ts';
import type { Database } from '../db/database.ts';

export interface TilingReport {
  counts: Record<string, number>;
  /** Nodes that are invalid, empty, or more than one polygon. */
  badShapes: string[];
  /** Sibling pairs overlapping by more than the tolerance. */
  overlaps: Array<{ a: string; b: string; areaM2: number }>;
  /** Parents whose children leave more than the tolerance uncovered, or stick out by more than it. */
  gaps: Array<{ code: string; uncoveredM2: number; outsideM2: number }>;
  /** Non-grid nodes without children. */
  childless: string[];
  /** Sibling pairs that touch or overlap: shows the overlap check looked at something. */
  pairsChecked: number;
  parentsChecked: number;
  maxOverlapM2: number;
  maxGapM2: number;
  gridAreaM2: { min: number; mean: number; max: number };
}

function one<T>(rows: T[], what: string): T {
  const row = rows[0];
  if (rows.length !== 1 || !row) {
    throw new Error(`tiling check: the ${what} query returned ${rows.length} rows instead of 1 (a GEOS error swallowed?)`);
  }
  return row;
}

/**
 * `gridSize` (degrees) is the precision of the overlays; 1e-9 matches the demo's stored precision. Anything
 * coarser than the data would hide slivers of the size it rounds away.
 */
export async function checkTiling(db: Database, toleranceM2 = 1, gridSize = 1e-9): Promise<TilingReport> {
  return db.run(systemCaller('tiling-check'), async (trx) => {
    const counts = one(
      (
        await sql<{ counts: Record<string, number> | null }>`
          select json_object_agg(level, n) as counts from (
            select level, count(*)::int as n from jurisdiction where valid_to is null group by level) as x`.execute(trx)
      ).rows,
      'counts',
    );
    const shapes = one(
      (
        await sql<{ bad: string[] }>`
          select coalesce(array_agg(code order by code) filter (where not ok), '{}') as bad from (
            select code, geom is not null and st_isvalid(geom) and not st_isempty(geom) and st_numgeometries(geom) = 1
              and geometrytype(geom) = 'MULTIPOLYGON' as ok
            from jurisdiction where valid_to is null) as x`.execute(trx)
      ).rows,
      'shape',
    );
    const pairs = one(
      (
        await sql<{ n: number; worst: number; bad: Array<{ a: string; b: string; areaM2: number }> }>`
          select count(*)::int as n, coalesce(max(area), 0) as worst,
            coalesce(json_agg(json_build_object('a', a, 'b', b, 'areaM2', area) order by area desc)
              filter (where area > ${toleranceM2}), '[]') as bad
          from (
            select a.code as a, b.code as b,
              st_area(st_intersection(a.geom, b.geom, ${gridSize}::float8)::geography) as area
            from jurisdiction a join jurisdiction b on b.parent_id = a.parent_id and a.code < b.code
              and b.valid_to is null and st_intersects(a.geom, b.geom)
            where a.valid_to is null and a.level <> 'compound') as x`.execute(trx)
      ).rows,
      'overlap',
    );
    // Coverage through the union of the children, as the importer checks it; overlays use snap-rounding on the
    // data's precision grid, which cannot fail on the near-coincident edges that shared borders are made of.
    const cover = one(
      (
        await sql<{ n: number; worst: number; bad: Array<{ code: string; uncoveredM2: number; outsideM2: number }> }>`
          with kids as (
            select parent_id, st_union(geom, ${gridSize}::float8) as geom from jurisdiction
            where valid_to is null and parent_id is not null and level <> 'compound' group by parent_id
          ), per_parent as (
            select p.code, st_area(st_difference(p.geom, k.geom, ${gridSize}::float8)::geography) as uncovered,
              st_area(st_difference(k.geom, p.geom, ${gridSize}::float8)::geography) as outside
            from kids k join jurisdiction p on p.id = k.parent_id
          )
          select count(*)::int as n, coalesce(max(greatest(uncovered, outside)), 0) as worst,
            coalesce(json_agg(json_build_object('code', code, 'uncoveredM2', uncovered, 'outsideM2', outside) order by code)
              filter (where uncovered > ${toleranceM2} or outside > ${toleranceM2}), '[]') as bad
          from per_parent`.execute(trx)
      ).rows,
      'coverage',
    );
    const childless = one(
      (
        await sql<{ codes: string[] }>`
          select coalesce(array_agg(p.code order by p.code), '{}') as codes from jurisdiction p
          where p.valid_to is null and p.level not in ('grid', 'compound')
            and not exists (select 1 from jurisdiction c where c.parent_id = p.id and c.valid_to is null)`.execute(trx)
      ).rows,
      'childless',
    );
    const areas = one(
      (
        await sql<{ min: number | null; mean: number | null; max: number | null }>`
          select min(area_m2) as min, avg(area_m2) as mean, max(area_m2) as max
          from jurisdiction where level = 'grid' and valid_to is null`.execute(trx)
      ).rows,
      'area',
    );
    const num = (v: unknown) => Number(v ?? 0);
    return {
      counts: Object.fromEntries(Object.entries(counts.counts ?? {}).map(([k, v]) => [k, num(v)])),
      badShapes: shapes.bad,
      overlaps: pairs.bad.map((r) => ({ a: r.a, b: r.b, areaM2: num(r.areaM2) })),
      gaps: cover.bad.map((r) => ({ code: r.code, uncoveredM2: num(r.uncoveredM2), outsideM2: num(r.outsideM2) })),
      childless: childless.codes,
      pairsChecked: num(pairs.n),
      parentsChecked: num(cover.n),
      maxOverlapM2: num(pairs.worst),
      maxGapM2: num(cover.worst),
      gridAreaM2: { min: num(areas.min), mean: num(areas.mean), max: num(areas.max) },
    };
  });
}
