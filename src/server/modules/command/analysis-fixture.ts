/**
 * A small city of its own for the command analyses' tests: two districts, each with one street, one community and
 * one grid, a department attached at the first street, and staff at every level. Its own root keeps the figures of
 * the shared test database (the demo city, other suites' cases) out of the hand-computed expectations.
 */
import { sql } from 'kysely';
import { systemCaller, type Role } from '../../../db/caller.ts';
import { newId } from '../../../domain/ids.ts';
import { login, type Session, type TestEnv, unique } from '../../../testing/context.ts';
import { TEST_PASSWORD } from '../../../testing/fixtures.ts';

export interface FixtureDistrict {
  id: string;
  code: string;
  streetId: string;
  communityId: string;
  gridId: string;
  point: { lat: number; lng: number };
}

export interface FixtureCity {
  cityId: string;
  districts: [FixtureDistrict, FixtureDistrict];
  departmentId: string;
  users: Record<FixtureUser, { id: string; username: string; session: Session }>;
}

export type FixtureUser = 'leader' | 'leader2' | 'clerk' | 'shiftlead' | 'dispatcher' | 'gridworker' | 'dept' | 'admin';

/**
 * `province` picks the codes (`${province}0100` …) and the place on the map, so that two suites in one worker never
 * collide. `names` overrides the English and Chinese names of the first district and of the department.
 */
export async function buildFixtureCity(
  env: TestEnv,
  province: string,
  names: { district?: string; department?: string } = {},
): Promise<FixtureCity> {
  const x0 = 100 + Number(province) * 0.1;
  const sq = (x: number) => ({ type: 'Polygon', coordinates: [[[x, 30], [x + 0.002, 30], [x + 0.002, 30.002], [x, 30.002], [x, 30]]] });
  const feature = (code: string, level: string, parentCode: string | null, x: number, w = 1, name = `F${code}`) => ({
    type: 'Feature',
    properties: { code, level, name, nameZhHant: name, nameEn: name, parentCode },
    geometry: w === 1 ? sq(x) : { type: 'Polygon', coordinates: [[[x, 30], [x + 0.004, 30], [x + 0.004, 30.002], [x, 30.002], [x, 30]]] },
  });
  const city = `${province}0100`;
  const codes = [`${province}0102`, `${province}0103`];
  const features = [feature(city, 'city', null, x0, 2)];
  for (const [i, d] of codes.entries()) {
    const x = x0 + i * 0.002;
    features.push(
      feature(d, 'district', city, x, 1, i === 0 && names.district ? names.district : `F${d}`),
      feature(`${d}001`, 'street', d, x),
      feature(`${d}001001`, 'community', `${d}001`, x),
      feature(`${d}001001001`, 'grid', `${d}001001`, x),
    );
  }
  const imported = await env.ctx.territory.importGeoJson(systemCaller('test'), { type: 'FeatureCollection', features });
  if (imported.problems.length) throw new Error(`fixture city: ${JSON.stringify(imported.problems)}`);

  const ids = await env.db.run(systemCaller('test'), async (trx) => {
    const { rows } = await sql<{ id: string; code: string; path: string }>`select id, code, path::text as path from jurisdiction
      where code like ${`${province}01%`} and valid_to is null`.execute(trx);
    const byCode = new Map(rows.map((r) => [r.code, r]));
    const street = byCode.get(`${codes[0]}001`)!;
    const departmentId = newId();
    const dn = names.department ?? `Fixture sanitation ${province}`;
    await sql`insert into department (id, jurisdiction_id, path, code, kind, name_zh_hant, name_zh_hans, name_en)
      values (${departmentId}, ${street.id}, ${street.path}::ltree, ${`${street.code}-SAN`}, 'sanitation', ${dn}, ${dn}, ${dn})`.execute(trx);
    return { byCode, departmentId };
  });
  const at = (code: string) => ids.byCode.get(code)!.id;
  const districts = codes.map((d, i) => ({
    id: at(d),
    code: d,
    streetId: at(`${d}001`),
    communityId: at(`${d}001001`),
    gridId: at(`${d}001001001`),
    point: { lat: 30.001, lng: x0 + i * 0.002 + 0.001 },
  })) as [FixtureDistrict, FixtureDistrict];

  const staff: Array<[FixtureUser, Role, string]> = [
    ['leader', 'leader', city],
    ['leader2', 'leader', codes[1]!],
    ['admin', 'admin', city],
    ['clerk', 'intake_clerk', `${codes[0]}001`],
    ['shiftlead', 'shift_lead', codes[0]!],
    ['dispatcher', 'dispatcher', codes[0]!],
    ['gridworker', 'grid_worker', `${codes[0]}001001001`],
    ['dept', 'department_staff', codes[0]!],
  ];
  const users = {} as FixtureCity['users'];
  for (const [key, role, code] of staff) {
    const username = `fx-${key}-${unique()}`;
    const { id } = await env.ctx.identity.createUser(systemCaller('test'), {
      username,
      password: TEST_PASSWORD,
      role,
      jurisdictionCode: code,
      departmentCode: role === 'department_staff' ? `${codes[0]}001-SAN` : null,
    });
    users[key] = { id, username, session: await login(env.app, username) };
  }
  return { cityId: at(city), districts, departmentId: ids.departmentId, users };
}
