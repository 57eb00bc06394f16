/**
 * A small city of its own for the command center's tests, so that the shared test database's other cases stay out of
 * hand-computed figures:
 *
 *   city ─┬─ district D1 ── street S1 ─┬─ community C1 ─┬─ grid G1
 *         │                            │                └─ grid G2
 *         │                            └─ community C2 ─── grid G3
 *         └─ district D2 ── street S2 ──── community C3 ─── grid G4
 *
 * Grids are 0.002° squares in a row from (100 + prefix / 10, 30). Two departments serve D1; staff at every level,
 * a grid worker per grid and a leader placed at C1 (for scope).
 */
import { sql } from 'kysely';
import { type Role, systemCaller, type UserCaller } from '../../../db/caller.ts';
import { newId } from '../../../domain/ids.ts';
import { login, type Session, type TestEnv, unique } from '../../../testing/context.ts';
import { TEST_PASSWORD } from '../../../testing/fixtures.ts';

export type FixtureNode = 'city' | 'D1' | 'D2' | 'S1' | 'S2' | 'C1' | 'C2' | 'C3' | 'G1' | 'G2' | 'G3' | 'G4';
export type FixtureUser = 'leader' | 'leaderC1' | 'admin' | 'clerk' | 'shiftlead' | 'dispatcher' | 'dept1' | 'dept2' | 'gw1' | 'gw2' | 'gw3' | 'gw4';

export interface CommandCity {
  nodes: Record<FixtureNode, { id: string; code: string; path: string }>;
  departments: [string, string];
  users: Record<FixtureUser, { id: string; username: string; session: Session; caller: UserCaller }>;
  /** A point inside each grid. */
  points: Record<'G1' | 'G2' | 'G3' | 'G4', { lat: number; lng: number }>;
}

const W = 0.002;

export async function buildCommandCity(env: TestEnv, prefix: string): Promise<CommandCity> {
  const x0 = 100 + Number(prefix) / 10;
  const box = (from: number, cells: number) => ({
    type: 'Polygon',
    coordinates: [[[x0 + from * W, 30], [x0 + (from + cells) * W, 30], [x0 + (from + cells) * W, 30 + W], [x0 + from * W, 30 + W], [x0 + from * W, 30]]],
  });
  const city = `${prefix}0100`;
  const d1 = `${prefix}0102`;
  const d2 = `${prefix}0103`;
  const codes: Record<FixtureNode, string> = {
    city,
    D1: d1,
    D2: d2,
    S1: `${d1}001`,
    S2: `${d2}001`,
    C1: `${d1}001001`,
    C2: `${d1}001002`,
    C3: `${d2}001001`,
    G1: `${d1}001001001`,
    G2: `${d1}001001002`,
    G3: `${d1}001002001`,
    G4: `${d2}001001001`,
  };
  const spec: Array<[FixtureNode, string, FixtureNode | null, number, number]> = [
    ['city', 'city', null, 0, 4],
    ['D1', 'district', 'city', 0, 3],
    ['D2', 'district', 'city', 3, 1],
    ['S1', 'street', 'D1', 0, 3],
    ['S2', 'street', 'D2', 3, 1],
    ['C1', 'community', 'S1', 0, 2],
    ['C2', 'community', 'S1', 2, 1],
    ['C3', 'community', 'S2', 3, 1],
    ['G1', 'grid', 'C1', 0, 1],
    ['G2', 'grid', 'C1', 1, 1],
    ['G3', 'grid', 'C2', 2, 1],
    ['G4', 'grid', 'C3', 3, 1],
  ];
  const features = spec.map(([key, level, parent, from, cells]) => ({
    type: 'Feature',
    properties: {
      code: codes[key],
      level,
      name: `指挥${key}${prefix}`,
      nameZhHant: `指揮${key}${prefix}`,
      nameEn: `Command ${key} ${prefix}`,
      parentCode: parent ? codes[parent] : null,
    },
    geometry: box(from, cells),
  }));
  const imported = await env.ctx.territory.importGeoJson(systemCaller('test'), { type: 'FeatureCollection', features });
  if (imported.problems.length) throw new Error(`command fixture: ${JSON.stringify(imported.problems)}`);

  const { nodes, departments } = await env.db.run(systemCaller('test'), async (trx) => {
    const { rows } = await sql<{ id: string; code: string; path: string }>`select id::text as id, code, path::text as path
      from jurisdiction where code like ${`${prefix}01%`} and valid_to is null`.execute(trx);
    const byCode = new Map(rows.map((r) => [r.code, r]));
    const nodes = Object.fromEntries(Object.entries(codes).map(([k, c]) => [k, byCode.get(c)!])) as CommandCity['nodes'];
    const departments: [string, string] = [newId(), newId()];
    for (const [i, id] of departments.entries()) {
      const name = `Command dept ${prefix}-${i + 1}`;
      await sql`insert into department (id, jurisdiction_id, path, code, kind, name_zh_hant, name_zh_hans, name_en)
        values (${id}, ${nodes.D1.id}, ${nodes.D1.path}::ltree, ${`${codes.D1}-CMD${i + 1}`}, 'sanitation', ${`${name}甲`},
          ${`${name}乙`}, ${name})`.execute(trx);
    }
    return { nodes, departments };
  });

  const staff: Array<[FixtureUser, Role, FixtureNode, number?]> = [
    ['leader', 'leader', 'city'],
    ['leaderC1', 'leader', 'C1'],
    ['admin', 'admin', 'city'],
    ['clerk', 'intake_clerk', 'city'],
    ['shiftlead', 'shift_lead', 'city'],
    ['dispatcher', 'dispatcher', 'city'],
    ['dept1', 'department_staff', 'city', 0],
    ['dept2', 'department_staff', 'city', 1],
    ['gw1', 'grid_worker', 'G1'],
    ['gw2', 'grid_worker', 'G2'],
    ['gw3', 'grid_worker', 'G3'],
    ['gw4', 'grid_worker', 'G4'],
  ];
  const users = {} as CommandCity['users'];
  for (const [key, role, at, dept] of staff) {
    const username = `cmd-${key}-${unique()}`;
    const { id } = await env.ctx.identity.createUser(systemCaller('test'), {
      username,
      password: TEST_PASSWORD,
      role,
      jurisdictionCode: codes[at],
      departmentCode: dept === undefined ? null : `${codes.D1}-CMD${dept + 1}`,
    });
    const { caller } = await env.ctx.identity.login(username, TEST_PASSWORD, null);
    users[key] = { id, username, session: await login(env.app, username), caller };
  }
  const mid = (i: number) => ({ lat: 30 + W / 2, lng: x0 + (i + 0.5) * W });
  return { nodes, departments, users, points: { G1: mid(0), G2: mid(1), G3: mid(2), G4: mid(3) } };
}
