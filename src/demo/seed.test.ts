import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemCaller } from '../db/caller.ts';
import { type Database, openPglite } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { validateCode } from '../domain/codes.ts';
import { IdentityService } from '../server/modules/identity/service.ts';
import { type DemoSummary, hasTerritory, type SeedProgress, seedDemo, TerritoryExistsError } from './seed.ts';
import { checkTiling } from './tiling.ts';

// Creating a PGlite database with PostGIS takes ~10 s on this machine kind; two of them (the second one for the
// determinism check) are the whole cost of this file.
const SLOW = { timeout: 180_000 };
const PASSWORD = 'demo-password-1';
const OPTIONS = { seed: 1, grids: 40, password: PASSWORD };

interface Opened {
  db: Database;
  dir: string;
}

async function fresh(): Promise<Opened> {
  const dir = mkdtempSync(join(tmpdir(), 'gridloop-demo-'));
  const db = await openPglite(dir);
  await migrate(db);
  return { db, dir };
}

interface NodeRow {
  id: string;
  parentId: string | null;
  level: string;
  code: string;
  zhHant: string;
  zhHans: string;
  en: string;
  path: string;
  areaM2: number;
  shape: string;
}

/** Everything about the territory that must not depend on the run: ids and times are left out on purpose. */
async function territory(db: Database): Promise<NodeRow[]> {
  return db.run(systemCaller('test'), async (trx) => {
    const { rows } = await sql<NodeRow>`select id, parent_id as "parentId", level, code, name_zh_hant as "zhHant",
        name_zh_hans as "zhHans", name_en as en, path::text as path, area_m2 as "areaM2",
        st_astext(st_snaptogrid(geom, 1e-9)) as shape
      from jurisdiction order by code`.execute(trx);
    return rows;
  });
}

describe('seedDemo on embedded PGlite (40 grids)', () => {
  let a: Opened;
  let b: Opened | null = null;
  let summary: DemoSummary;
  const progress: SeedProgress[] = [];
  let rows: NodeRow[];

  beforeAll(async () => {
    a = await fresh();
    expect(await hasTerritory(a.db)).toBe(false);
    summary = await seedDemo(a.db, new IdentityService(a.db), OPTIONS, (p) => progress.push(p));
    rows = await territory(a.db);
  }, 180_000);

  afterAll(async () => {
    for (const o of [a, b]) {
      if (!o) continue;
      await o.db.close();
      rmSync(o.dir, { recursive: true, force: true });
    }
  });

  it('reports what it made', () => {
    expect(summary).toMatchObject({ districts: 1, streets: 1, communities: 4, grids: 40 });
    expect(summary.users).toEqual(['admin', 'leader', 'shiftlead', 'dispatcher', 'clerk', 'gridworker', 'dept']);
    expect(rows.find((r) => r.level === 'city')?.id).toBe(summary.cityId);
  });

  it('stores the planned number of nodes per level', () => {
    const count = (level: string) => rows.filter((r) => r.level === level).length;
    expect([count('city'), count('district'), count('street'), count('community'), count('grid')]).toEqual([1, 1, 1, 4, 40]);
    expect(rows.filter((r) => r.level === 'community').every((c) => rows.filter((g) => g.parentId === c.id).length === 10)).toBe(
      true,
    );
  });

  it('uses the real names and codes of Dongcheng', () => {
    const byCode = new Map(rows.map((r) => [r.code, r]));
    expect(byCode.get('110100')).toMatchObject({ level: 'city', zhHans: '北京市', path: 'p110100' });
    expect(byCode.get('110101')).toMatchObject({ zhHans: '东城区', zhHant: '東城區', en: 'Dongcheng District' });
    expect(byCode.get('110101001')).toMatchObject({ zhHans: '东华门街道', zhHant: '東華門街道', en: 'Donghuamen Subdistrict' });
    expect(byCode.get('110101001001')).toMatchObject({ zhHans: '多福巷社区', zhHant: '多福巷社區', en: 'Duofuxiang Community' });
    expect(byCode.get('110101001001001')).toMatchObject({
      zhHans: '多福巷社区第1网格',
      zhHant: '多福巷社區第1網格',
      en: 'Duofuxiang Community Grid 1',
      path: 'p110100.d110101.s110101001.c110101001001.g110101001001001',
    });
  });

  it('gives every node a well-formed code that extends its parent', () => {
    const byId = new Map(rows.map((r) => [r.id, r]));
    const lengths: Record<string, number> = { city: 6, district: 6, street: 9, community: 12, grid: 15 };
    for (const r of rows) {
      expect(r.code).toMatch(new RegExp(`^[0-9]{${lengths[r.level]}}$`));
      const parent = r.parentId ? byId.get(r.parentId) : undefined;
      if (r.level === 'city') continue;
      expect(parent, r.code).toBeDefined();
      expect(validateCode(r.level as 'district', r.code, parent!.code), r.code).toBeNull();
      if (r.level === 'grid') {
        expect(r.code.startsWith(parent!.code)).toBe(true);
        expect(Number(r.code.slice(12))).toBeGreaterThanOrEqual(1);
      }
    }
    const serials = rows.filter((r) => r.level === 'grid' && r.code.startsWith('110101001001')).map((r) => r.code.slice(12));
    expect(serials).toEqual(Array.from({ length: 10 }, (_, i) => String(i + 1).padStart(3, '0')));
  });

  it('puts every node one label below its parent in the ltree', async () => {
    const byId = new Map(rows.map((r) => [r.id, r]));
    const letter: Record<string, string> = { city: 'p', district: 'd', street: 's', community: 'c', grid: 'g' };
    for (const r of rows) {
      const parent = r.parentId ? byId.get(r.parentId) : undefined;
      const own = `${letter[r.level]}${r.code}`;
      expect(r.path).toBe(parent ? `${parent.path}.${own}` : own);
    }
    const bad = await a.db.run(systemCaller('test'), async (trx) => {
      const { rows: out } = await sql<{ n: number }>`select count(*)::int as n from jurisdiction c
        join jurisdiction p on p.id = c.parent_id
        where not (c.path <@ p.path) or nlevel(c.path) <> nlevel(p.path) + 1`.execute(trx);
      return out[0]?.n;
    });
    expect(bad).toBe(0);
  });

  it('tiles every parent with its children: no overlap, no gap above 1 m², valid single polygons', SLOW, async () => {
    const report = await checkTiling(a.db, 1);
    expect(report.counts).toEqual({ city: 1, district: 1, street: 1, community: 4, grid: 40 });
    expect(report.badShapes).toEqual([]);
    expect(report.overlaps).toEqual([]);
    expect(report.gaps).toEqual([]);
    expect(report.childless).toEqual([]);
    // The check looked at something: every touching sibling pair, every parent.
    expect(report.pairsChecked).toBeGreaterThan(40);
    expect(report.parentsChecked).toBe(7);
    expect(report.maxOverlapM2).toBeLessThanOrEqual(1);
    expect(report.maxGapM2).toBeLessThanOrEqual(1);
    // Plausible density: grids average 50,000-80,000 m².
    expect(report.gridAreaM2.mean).toBeGreaterThan(50_000);
    expect(report.gridAreaM2.mean).toBeLessThan(80_000);
    expect(report.gridAreaM2.min).toBeGreaterThan(5_000);
  });

  it('stores shapes that a plain ST_Union merges back into the city', async () => {
    // On PGlite a GEOS failure returns no row rather than an error: this is what 1e-9° snapping bought. (With
    // thousands of grids a plain union still fails there whatever the data; a grid size argument is what scales.)
    const got = await a.db.run(systemCaller('test'), async (trx) => {
      const { rows: out } = await sql<{ level: string; uncovered: number }>`
        select k.level, st_area(st_difference(c.geom, k.geom)::geography) as uncovered
        from (select level, st_union(geom) as geom from jurisdiction group by level) as k,
          jurisdiction c where c.level = 'city'`.execute(trx);
      return out;
    });
    expect(got.map((r) => r.level).sort()).toEqual(['city', 'community', 'district', 'grid', 'street']);
    for (const r of got) expect(Number(r.uncovered), r.level).toBeLessThan(1);
  });

  it('stores area_m2 as the geodesic area and lies in Dongcheng', async () => {
    const got = await a.db.run(systemCaller('test'), async (trx) => {
      const { rows: out } = await sql<{ worst: number; lng: number; lat: number }>`
        select max(abs(area_m2 - st_area(geom::geography))) as worst,
          (select st_x(st_centroid(geom)) from jurisdiction where code = '110101') as lng,
          (select st_y(st_centroid(geom)) from jurisdiction where code = '110101') as lat
        from jurisdiction`.execute(trx);
      return out[0]!;
    });
    expect(Number(got.worst)).toBeLessThan(1e-6);
    expect(Math.abs(Number(got.lng) - 116.416)).toBeLessThan(0.01);
    expect(Math.abs(Number(got.lat) - 39.928)).toBeLessThan(0.01);
  });

  it('creates the department and the accounts, each at its node', async () => {
    const got = await a.db.run(systemCaller('test'), async (trx) => {
      const { rows: users } = await sql<{ username: string; role: string; code: string; department: string | null }>`
        select u.username, a.role, j.code, d.code as department
        from app_user u join assignment a on a.user_id = u.id join jurisdiction j on j.id = a.jurisdiction_id
        left join department d on d.id = u.department_id order by u.username`.execute(trx);
      const { rows: departments } = await sql<{ code: string; kind: string; zhHans: string; path: string }>`
        select code, kind, name_zh_hans as "zhHans", path::text as path from department order by code`.execute(trx);
      return { users, departments };
    });
    expect(got.users).toEqual([
      { username: 'admin', role: 'admin', code: '110100', department: null },
      { username: 'clerk', role: 'intake_clerk', code: '110101', department: null },
      { username: 'dept', role: 'department_staff', code: '110101', department: '110101-SAN' },
      { username: 'dispatcher', role: 'dispatcher', code: '110101', department: null },
      { username: 'gridworker', role: 'grid_worker', code: '110101001001001', department: null },
      { username: 'leader', role: 'leader', code: '110100', department: null },
      { username: 'shiftlead', role: 'shift_lead', code: '110101', department: null },
    ]);
    expect(got.departments.find((d) => d.kind === 'sanitation')).toEqual({
      code: '110101-SAN',
      kind: 'sanitation',
      zhHans: '东城区环境卫生服务中心',
      path: 'p110100.d110101',
    });
    const login = await new IdentityService(a.db).login('gridworker', PASSWORD, null);
    expect(login.assignments[0]?.jurisdictionCode).toBe('110101001001001');
  });

  it('writes one seed.demo audit entry with the counts', async () => {
    const got = await a.db.run(systemCaller('test'), async (trx) => {
      const { rows: out } = await sql<{ actor: string; objectId: string; details: Record<string, unknown> }>`
        select actor, object_id as "objectId", details from audit_log where action = 'seed.demo'`.execute(trx);
      return out;
    });
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      actor: 'system:seed',
      objectId: summary.cityId,
      details: { grids: 40, seed: 1, districts: 1, streets: 1, communities: 4 },
    });
  });

  it('reports progress for each step up to its total', () => {
    for (const step of ['territory', 'departments', 'users'] as const) {
      const mine = progress.filter((p) => p.step === step);
      expect(mine.length, step).toBeGreaterThan(1);
      const last = mine.at(-1)!;
      expect(last.done).toBe(last.total);
    }
    expect(progress.filter((p) => p.step === 'territory').at(-1)?.total).toBe(1 + 1 + 1 + 4 + 40);
  });

  it('refuses to seed a database that already has a territory, and changes nothing', async () => {
    expect(await hasTerritory(a.db)).toBe(true);
    await expect(seedDemo(a.db, new IdentityService(a.db), OPTIONS)).rejects.toThrow(/already has a territory/);
    await expect(seedDemo(a.db, new IdentityService(a.db), OPTIONS)).rejects.toBeInstanceOf(TerritoryExistsError);
    await expect(seedDemo(a.db, new IdentityService(a.db), { ...OPTIONS, password: 'short' })).rejects.toThrow(/password/);
    expect(await territory(a.db)).toEqual(rows);
  });

  it('undoes a run that fails half-way, leaving the database empty for the next try', SLOW, async () => {
    b = await fresh();
    // Fails at the users step, after the territory and departments are stored.
    const failing = {
      createUser: async () => {
        throw new Error('no accounts today');
      },
    } as unknown as IdentityService;
    await expect(seedDemo(b.db, failing, OPTIONS)).rejects.toThrow('no accounts today');
    expect(await hasTerritory(b.db)).toBe(false);
    const left = await b.db.run(systemCaller('test'), async (trx) => {
      const { rows: out } = await sql<{ n: number }>`select (select count(*) from department)::int
        + (select count(*) from app_user)::int as n`.execute(trx);
      return out[0]?.n;
    });
    expect(left).toBe(0);
  });

  it('is deterministic: the same options in another database give the same codes, names and shapes', SLOW, async () => {
    b ??= await fresh();
    const again = await seedDemo(b.db, new IdentityService(b.db), OPTIONS);
    expect(again).toMatchObject({ districts: 1, streets: 1, communities: 4, grids: 40 });
    const other = await territory(b.db);
    const stable = (r: NodeRow) => ({
      level: r.level,
      code: r.code,
      zhHant: r.zhHant,
      zhHans: r.zhHans,
      en: r.en,
      path: r.path,
      areaM2: Math.round(r.areaM2 * 1000) / 1000,
      shape: r.shape,
    });
    expect(other.map(stable)).toEqual(rows.map(stable));
    // Ids are UUIDv7, new on every run: only what they name is repeated.
    const first = new Set(rows.map((r) => r.id));
    expect(other.some((r) => first.has(r.id))).toBe(false);
  });

  it('has a tiling check that does see an overlap and a gap', SLOW, async () => {
    // The check passing proves little unless it can fail: grow one grid over its neighbours and shrink another.
    const db = b!.db;
    await db.run(systemCaller('test'), async (trx) => {
      await sql`update jurisdiction set geom = st_multi(st_buffer(geom::geography, 20)::geometry)
        where code = '110101001001001'`.execute(trx);
      await sql`update jurisdiction set geom = st_multi(st_buffer(geom::geography, -20)::geometry)
        where code = '110101001002001'`.execute(trx);
    });
    const report = await checkTiling(db, 1);
    expect(report.overlaps.some((o) => o.a === '110101001001001' || o.b === '110101001001001')).toBe(true);
    expect(report.gaps.map((g) => g.code)).toEqual(expect.arrayContaining(['110101001001', '110101001002']));
  });
});
