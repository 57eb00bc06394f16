import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemCaller } from '../../../db/caller.ts';
import { login, type Session, type TestEnv, testEnv, unique } from '../../../testing/context.ts';

let env: TestEnv;
let admin: Session;
beforeAll(async () => {
  env = await testEnv();
  admin = await login(env.app, 'admin');
});

interface Item {
  id: string;
  level: string;
  code: string;
  inScope: boolean;
  path: string;
}

async function items(s: Session, query = ''): Promise<Item[]> {
  const res = await env.app.inject({ method: 'GET', url: `/api/jurisdictions?limit=5000${query}`, headers: { cookie: s.cookie } });
  expect(res.statusCode).toBe(200);
  return (res.json() as { items: Item[] }).items;
}

/** A square [x0, y0]–[x0+w, y0+h] as GeoJSON Polygon coordinates. */
function square(x0: number, y0: number, w: number, h: number): number[][][] {
  return [[[x0, y0], [x0 + w, y0], [x0 + w, y0 + h], [x0, y0 + h], [x0, y0]]];
}

function feature(code: string, level: string, parentCode: string | null, coords: number[][][]) {
  return {
    type: 'Feature',
    properties: { code, level, name: `测试${code}`, nameZhHant: `測試${code}`, nameEn: `Test ${code}`, parentCode },
    geometry: { type: 'Polygon', coordinates: coords },
  };
}

interface Sandbox {
  admin: Session;
  street: string;
  x0: number;
  y0: number;
}

const W = 0.002;

/**
 * A city of its own (a province-level code unused by the demo), with one district and one street of the same square,
 * imported by a system job, and an admin placed at that city: each test works in its own territory.
 */
async function sandbox(): Promise<Sandbox> {
  const n = unique() % 90 + 10;
  const province = ['13', '14', '15', '21', '22', '23'][unique() % 6]!;
  const city = `${province}${n}00`;
  const district = `${province}${n}01`;
  const street = `${district}001`;
  const x0 = 100 + n * 0.05;
  const y0 = 30 + Number(province) * 0.05;
  const r = await env.ctx.territory.importGeoJson(systemCaller('test'), {
    type: 'FeatureCollection',
    features: [
      feature(city, 'city', null, square(x0, y0, 2 * W, W)),
      feature(district, 'district', city, square(x0, y0, 2 * W, W)),
      feature(street, 'street', district, square(x0, y0, 2 * W, W)),
    ],
  });
  expect(r.problems).toEqual([]);
  const username = `adm${city}`;
  await env.ctx.identity.createUser(systemCaller('test'), { username, password: 'sandbox-pass-1', role: 'admin', jurisdictionCode: city });
  return { admin: await login(env.app, username, 'sandbox-pass-1'), street, x0, y0 };
}

/** A community tiling the sandbox street with two grids side by side. */
function twoGrids(sb: Sandbox, opts: { overlap?: number; gap?: number } = {}) {
  const community = `${sb.street}001`;
  const ov = opts.overlap ?? 0;
  const gap = opts.gap ?? 0;
  return {
    type: 'FeatureCollection',
    features: [
      feature(community, 'community', sb.street, square(sb.x0, sb.y0, 2 * W, W)),
      feature(`${community}001`, 'grid', community, square(sb.x0, sb.y0, W + ov, W)),
      feature(`${community}002`, 'grid', community, square(sb.x0 + W + gap, sb.y0, W - gap, W)),
    ],
  };
}

describe('jurisdictions in scope', () => {
  it('shows the admin the whole city and the grid worker only its grid plus the names of its ancestors', async () => {
    const all = await items(admin);
    expect(all.filter((i) => i.level === 'grid').length).toBeGreaterThanOrEqual(40);
    expect(all.every((i) => i.inScope)).toBe(true);

    const gw = await login(env.app, 'gridworker');
    const mine = await items(gw);
    const inScope = mine.filter((i) => i.inScope);
    expect(inScope).toHaveLength(1);
    expect(inScope[0]!.level).toBe('grid');
    expect(mine.filter((i) => !i.inScope).map((i) => i.level).sort()).toEqual(['city', 'community', 'district', 'street']);
  });

  it('answers 404 for a node outside scope and for a malformed id', async () => {
    const all = await items(admin, '&level=grid');
    const gw = await login(env.app, 'gridworker');
    const mine = (await items(gw)).find((i) => i.inScope)!;
    const other = all.find((i) => i.id !== mine.id)!;
    const out = await env.app.inject({ method: 'GET', url: `/api/jurisdictions/${other.id}`, headers: { cookie: gw.cookie } });
    expect(out.statusCode).toBe(404);
    expect(out.json().code).toBe('JURISDICTION_NOT_FOUND');
    const bad = await env.app.inject({ method: 'GET', url: '/api/jurisdictions/not-a-uuid', headers: { cookie: gw.cookie } });
    expect(bad.statusCode).toBe(404);
    const own = await env.app.inject({ method: 'GET', url: `/api/jurisdictions/${mine.id}`, headers: { cookie: gw.cookie } });
    expect(own.statusCode).toBe(200);
    expect(own.json().areaM2).toBeGreaterThan(0);
  });

  it('pages with an opaque cursor without repeating or losing nodes', async () => {
    const all = await items(admin);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/jurisdictions?limit=7${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await env.app.inject({ method: 'GET', url, headers: { cookie: admin.cookie } });
      const body = res.json() as { items: Item[]; next: string | null };
      seen.push(...body.items.map((i) => i.id));
      cursor = body.next;
    } while (cursor);
    expect(seen).toEqual(all.map((i) => i.id));
  });

  it('exports only the grid worker’s own grid as GeoJSON', async () => {
    const gw = await login(env.app, 'gridworker');
    const res = await env.app.inject({ method: 'GET', url: '/api/territory/export', headers: { cookie: gw.cookie } });
    expect(res.statusCode).toBe(200);
    const fc = res.json() as { features: Array<{ properties: { level: string; code: string }; geometry: { type: string } }> };
    expect(fc.features).toHaveLength(1);
    expect(fc.features[0]!.properties.level).toBe('grid');
    expect(fc.features[0]!.geometry.type).toBe('MultiPolygon');
  });

  it('needs a login to list jurisdictions', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/api/jurisdictions' });
    expect(res.statusCode).toBe(401);
  });
});

describe('territory import', () => {
  it('imports a valid street, community and grids, then locates points in them', async () => {
    const sb = await sandbox();
    const street = sb.street;
    const fc = twoGrids(sb);
    const res = await env.app.inject({ method: 'POST', url: '/api/territory/import', headers: sb.admin.headers, payload: fc });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ applied: true, created: 3 });
    const g = fc.features[1]!.geometry.coordinates[0]![0]!;
    const loc = await env.app.inject({ method: 'GET', url: `/api/grids/locate?lat=${g[1]! + 0.0005}&lng=${g[0]! + 0.0005}` });
    expect(loc.statusCode).toBe(200);
    expect(loc.json().grid.code).toBe(`${street}001001`);
    expect(loc.json().ancestors.map((a: { level: string }) => a.level)).toEqual(['city', 'district', 'street', 'community']);
    // Importing the same file again changes nothing.
    const again = await env.app.inject({ method: 'POST', url: '/api/territory/import', headers: sb.admin.headers, payload: fc });
    expect(again.json()).toMatchObject({ applied: true, created: 0, redrawn: 0, unchanged: 3 });
  });

  it('refuses overlapping grids with a report naming both and the area, and writes nothing', async () => {
    const sb = await sandbox();
    const street = sb.street;
    const before = (await items(admin)).length;
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/territory/import',
      headers: sb.admin.headers,
      payload: twoGrids(sb, { overlap: 0.0005 }),
    });
    expect(res.statusCode).toBe(422);
    const body = res.json() as { code: string; details: { problems: Array<{ kind: string; codes: string[]; areaM2: number }> } };
    expect(body.code).toBe('TERRITORY_INVALID');
    const overlap = body.details.problems.find((p) => p.kind === 'overlap');
    expect(overlap?.codes).toEqual([`${street}001001`, `${street}001002`]);
    // 0.0005° × 0.002°: about 42–48 m × 222 m at these latitudes, 9,000 to 11,000 m².
    expect(overlap!.areaM2).toBeGreaterThan(8000);
    expect(overlap!.areaM2).toBeLessThan(12000);
    expect((await items(admin)).length).toBe(before);
  });

  it('refuses a gap beyond the tolerance, and accepts it with a larger tolerance', async () => {
    const sb = await sandbox();
    const street = sb.street;
    const fc = twoGrids(sb, { gap: 0.0001 });
    const res = await env.app.inject({ method: 'POST', url: '/api/territory/import', headers: sb.admin.headers, payload: fc });
    expect(res.statusCode).toBe(422);
    const gap = (res.json().details.problems as Array<{ kind: string; codes: string[]; areaM2: number }>).find((p) => p.kind === 'gap');
    expect(gap?.codes).toEqual([`${street}001`]);
    expect(gap!.areaM2).toBeGreaterThan(1500);
    const tolerant = await env.app.inject({
      method: 'POST',
      url: '/api/territory/import?toleranceM2=5000&dryRun=true',
      headers: sb.admin.headers,
      payload: fc,
    });
    expect(tolerant.statusCode).toBe(200);
    expect(tolerant.json().applied).toBe(false);
  });

  it('reports malformed codes, duplicates, missing parents and invalid geometry', async () => {
    const bowtie = [[[117, 40], [117.01, 40.01], [117.01, 40], [117, 40.01], [117, 40]]];
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/territory/import',
      headers: admin.headers,
      payload: {
        type: 'FeatureCollection',
        features: [
          feature('12345', 'grid', '110101001001', square(117, 40, 0.001, 0.001)),
          feature('110101001001999', 'grid', '110101001001', square(117, 40, 0.001, 0.001)),
          feature('110101001001999', 'grid', '110101001001', square(117, 40, 0.001, 0.001)),
          feature('110101001002', 'community', null, square(117, 40, 0.001, 0.001)),
          { type: 'Feature', properties: { code: '110101001001998', level: 'grid', name: 'x', parentCode: '110101001001' }, geometry: { type: 'Point', coordinates: [1, 2] } },
        ],
      },
    });
    expect(res.statusCode).toBe(422);
    const kinds = (res.json().details.problems as Array<{ kind: string }>).map((p) => p.kind).sort();
    expect(kinds).toEqual(['duplicate_code', 'invalid_geometry', 'malformed_code', 'missing_parent']);
    const self = await env.app.inject({
      method: 'POST',
      url: '/api/territory/import',
      headers: admin.headers,
      payload: { type: 'FeatureCollection', features: [feature('110101001', 'street', '110101', bowtie)] },
    });
    expect(self.statusCode).toBe(422);
    expect(self.json().details.problems[0].kind).toBe('invalid_geometry');
  });

  it('keeps the history of a redrawn grid: the old row is closed, a new row takes the code', async () => {
    const sb = await sandbox();
    const street = sb.street;
    const fc = twoGrids(sb);
    expect((await env.app.inject({ method: 'POST', url: '/api/territory/import', headers: sb.admin.headers, payload: fc })).statusCode).toBe(200);
    const redrawn = twoGrids(sb);
    // Move the shared edge: grid 001 grows, grid 002 shrinks, both still tile the community.
    const [g1, g2] = [redrawn.features[1]!, redrawn.features[2]!];
    g1.geometry.coordinates = square(sb.x0, sb.y0, 0.0025, W);
    g2.geometry.coordinates = square(sb.x0 + 0.0025, sb.y0, 0.0015, W);
    const res = await env.app.inject({ method: 'POST', url: '/api/territory/import', headers: sb.admin.headers, payload: redrawn });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ redrawn: 2, created: 0 });
    const rows = await env.db.run(systemCaller('test'), async (trx) =>
      (await sql<{ n: number; current: number }>`select count(*)::int as n, count(*) filter (where valid_to is null)::int as current
        from jurisdiction where code = ${`${street}001001`}`.execute(trx)).rows[0]!,
    );
    expect(rows).toEqual({ n: 2, current: 1 });
  });

  it('refuses an import from a non-admin', async () => {
    const s = await login(env.app, 'shiftlead');
    const res = await env.app.inject({ method: 'POST', url: '/api/territory/import', headers: s.headers, payload: { type: 'FeatureCollection', features: [] } });
    expect(res.statusCode).toBe(403);
  });
});

describe('locate', () => {
  it('agrees with PostGIS ST_Covers on thousands of random interior points', async () => {
    const { rows: box } = await env.db.run(systemCaller('test'), (trx) =>
      sql<{ x0: number; y0: number; x1: number; y1: number }>`select st_xmin(e) as x0, st_ymin(e) as y0, st_xmax(e) as x1, st_ymax(e) as y1
        from (select st_extent(geom)::geometry as e from jurisdiction where level = 'district' and code = '110101' and valid_to is null) t`.execute(trx),
    );
    const b = box[0]!;
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < 3000; i++) {
      xs.push(b.x0 + rand() * (b.x1 - b.x0));
      ys.push(b.y0 + rand() * (b.y1 - b.y0));
    }
    // PostGIS answers for each point: the grids that cover it, and whether it lies within 1e-7° of any grid edge.
    const { rows } = await env.db.run(systemCaller('test'), (trx) =>
      sql<{ i: number; codes: string[] | null; nearEdge: boolean }>`
        select p.i, array_agg(j.code order by j.code) filter (where j.code is not null) as codes,
          coalesce(bool_or(st_dwithin(st_boundary(j.geom), p.g, 1e-7)), false) as "nearEdge"
        from (select i, st_setsrid(st_makepoint(x, y), 4326) as g
              from unnest(${xs}::float8[], ${ys}::float8[]) with ordinality as t(x, y, i)) p
        left join jurisdiction j on j.level = 'grid' and j.valid_to is null and st_covers(j.geom, p.g)
        group by p.i order by p.i`.execute(trx),
    );
    let interior = 0;
    let outside = 0;
    for (const r of rows) {
      const idx = Number(r.i) - 1;
      if (r.nearEdge) continue;
      const hit = env.ctx.territory.index().locate(xs[idx]!, ys[idx]!);
      if (!r.codes) {
        expect(hit).toBeNull();
        outside++;
      } else {
        expect(r.codes).toHaveLength(1);
        expect(hit?.code).toBe(r.codes[0]);
        interior++;
      }
    }
    expect(interior).toBeGreaterThan(1500);
    expect(interior + outside).toBeGreaterThan(2900);
  });

  it('answers OUTSIDE_GRIDS with the nearest grid for a point outside every grid', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/api/grids/locate?lat=39.5&lng=116.0' });
    expect(res.statusCode).toBe(404);
    const body = res.json() as { code: string; details: { nearest: { code: string; distanceMeters: number } } };
    expect(body.code).toBe('OUTSIDE_GRIDS');
    expect(body.details.nearest.code).toMatch(/^\d{15}$/);
    expect(body.details.nearest.distanceMeters).toBeGreaterThan(1000);
  });

  it('converts GCJ-02 input to WGS 84', async () => {
    const grids = await items(admin, '&level=grid');
    const exp = await env.app.inject({ method: 'GET', url: '/api/territory/export?level=grid', headers: { cookie: admin.cookie } });
    const f = (exp.json() as { features: Array<{ properties: { code: string }; geometry: { coordinates: number[][][][] } }> }).features[0]!;
    expect(grids.length).toBeGreaterThan(0);
    // The centroid of the first ring's vertices is inside a convex-ish Voronoi cell.
    const ring = f.geometry.coordinates[0]![0]!;
    const cx = ring.slice(0, -1).reduce((s, p) => s + p[0]!, 0) / (ring.length - 1);
    const cy = ring.slice(0, -1).reduce((s, p) => s + p[1]!, 0) / (ring.length - 1);
    const { wgs84ToGcj02 } = await import('../../../domain/gcj02.ts');
    const [gx, gy] = wgs84ToGcj02(cx, cy);
    const res = await env.app.inject({ method: 'GET', url: `/api/grids/locate?lat=${gy}&lng=${gx}&coordSys=gcj02` });
    expect(res.statusCode).toBe(200);
    expect(res.json().grid.code).toBe(f.properties.code);
    expect(grids.some((g) => g.code === f.properties.code)).toBe(true);
  });

  it('rejects a latitude out of range with the field named', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/api/grids/locate?lat=123&lng=116' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'lat' });
  });
});
