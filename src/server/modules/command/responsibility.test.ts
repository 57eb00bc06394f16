import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemCaller } from '../../../db/caller.ts';
import { TEST_PASSWORD } from '../../../testing/fixtures.ts';
import { login, type Session, type TestEnv, testEnv, unique } from '../../../testing/context.ts';

interface Link {
  level: string;
  node?: { id: string; level: string; code: string; name: Record<string, string> };
  department?: { id: string; name: { en: string } };
  people: Array<{ role: string; name: string; userId?: string; phone?: string }>;
  editable: boolean;
}
interface Chain {
  grid: { id: string; code: string };
  chain: Link[];
  masked: boolean;
}

let env: TestEnv;
const s: Record<string, Session> = {};
let gridId: string;
let otherGridId: string;
let chain: Chain;

const url = (id: string) => `/api/grids/${id}/responsibility`;
const get = (who: string, id = gridId) => env.app.inject({ method: 'GET', url: url(id), headers: { cookie: s[who]!.cookie } });
const put = (who: string, entries: unknown[], id = gridId) =>
  env.app.inject({ method: 'PUT', url: url(id), headers: s[who]!.headers, payload: { entries } });
const node = (c: Chain, level: string) => c.chain.find((l) => l.level === level)!.node!;

beforeAll(async () => {
  env = await testEnv();
  for (const u of ['admin', 'leader', 'gridworker', 'dept']) s[u] = await login(env.app, u);
  const me = await env.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: s.gridworker!.cookie } });
  gridId = (me.json() as { user: { roles: Array<{ jurisdictionId: string }> } }).user.roles[0]!.jurisdictionId;
  otherGridId = await env.db.run(systemCaller('test'), async (trx) =>
    (await sql<{ id: string }>`select j.id from jurisdiction j join jurisdiction me on me.id = ${gridId}
      where j.level = 'grid' and j.valid_to is null and j.id <> me.id order by j.path limit 1`.execute(trx)).rows[0]!.id,
  );
  chain = (await get('leader')).json() as Chain;
});

describe('GET /api/grids/{id}/responsibility', () => {
  it('climbs from the grid to the district and lists the grid worker and the departments serving the grid', async () => {
    const res = await get('gridworker');
    expect(res.statusCode, res.body).toBe(200);
    const c = res.json() as Chain;
    expect(c.grid.id).toBe(gridId);
    expect(c.chain.filter((l) => l.level !== 'department').map((l) => l.level)).toEqual(['grid', 'community', 'street', 'district']);
    expect(c.chain[0]!.people).toContainEqual(expect.objectContaining({ role: 'grid_worker', name: '赵敏' }));
    // The demo's four departments sit at the district, above the grid.
    const departments = c.chain.filter((l) => l.level === 'department');
    expect(departments.length).toBeGreaterThanOrEqual(4);
    expect(departments.every((d) => d.department?.id && d.department.name.en)).toBe(true);
  });

  it('answers 404 for a grid outside the caller’s subtree, an unknown id or a malformed one', async () => {
    expect((await get('gridworker', otherGridId)).statusCode).toBe(404);
    expect((await get('leader', '01890000-0000-7000-8000-000000000000')).statusCode).toBe(404);
    const bad = await get('leader', 'not-a-uuid');
    expect(bad.statusCode).toBe(404);
    expect(bad.json().code).toBe('NOT_FOUND');
    // A node that is not a grid has no chain of its own.
    expect((await get('leader', node(chain, 'community').id)).statusCode).toBe(404);
  });
});

describe('PUT /api/grids/{id}/responsibility', () => {
  it('stores the chain with the phone sealed, shows it masked to others and in clear to the admin (audited)', async () => {
    const sanitation = chain.chain.find((l) => l.department?.name.en.includes('Sanitation'))!.department!;
    const entries = [
      { jurisdictionId: node(chain, 'community').id, role: '社區書記', name: '周紅', phone: '138-1234-5678' },
      { jurisdictionId: node(chain, 'street').id, role: '包片領導', name: '吳剛' },
      { jurisdictionId: node(chain, 'district').id, role: '副區長', name: '鄭強', phone: '+86 10 6512 3456' },
      { jurisdictionId: gridId, role: '網格長', name: '馮雪' },
      { departmentId: sanitation.id, role: '主任', name: '陳明', phone: '13900001111' },
    ];
    const res = await put('admin', entries);
    expect(res.statusCode, res.body).toBe(200);

    const admin = (await get('admin')).json() as Chain;
    const community = admin.chain.find((l) => l.level === 'community')!;
    expect(community.people).toEqual([{ role: '社區書記', name: '周紅', phone: '13812345678' }]);
    expect(admin.chain.find((l) => l.level === 'district')!.people[0]!.phone).toBe('01065123456');
    expect(admin.chain[0]!.people.map((p) => p.role)).toEqual(['grid_worker', '網格長']);
    expect(admin.masked).toBe(false);

    const worker = (await get('gridworker')).json() as Chain;
    expect(worker.masked).toBe(true);
    expect(worker.chain.find((l) => l.level === 'community')!.people[0]!.phone).toBe('138****5678');
    expect(worker.chain.find((l) => l.department?.id === sanitation.id)!.people).toEqual([
      { role: '主任', name: '陳明', phone: '139****1111' },
    ]);

    const stored = await env.db.run(systemCaller('test'), async (trx) => ({
      phones: (await sql<{ enc: string | null }>`select phone_enc as enc from responsibility
        where jurisdiction_id = ${node(chain, 'community').id}`.execute(trx)).rows,
      reveals: (await sql<{ n: number }>`select count(*)::int as n from audit_log
        where action = 'responsibility.reveal' and object_id = ${gridId}`.execute(trx)).rows[0]!.n,
      updates: (await sql<{ n: number }>`select count(*)::int as n from audit_log
        where action = 'responsibility.update' and object_id = ${gridId}`.execute(trx)).rows[0]!.n,
    }));
    expect(stored.phones[0]!.enc).toMatch(/^v1\./);
    expect(stored.phones[0]!.enc).not.toContain('5678');
    expect(stored.reveals).toBeGreaterThanOrEqual(1);
    expect(stored.updates).toBeGreaterThanOrEqual(1);

    // The body is the whole chain: sending it without the street's entry removes that entry.
    const again = await put('admin', entries.filter((e) => e.role !== '包片領導'));
    expect(again.statusCode).toBe(200);
    expect((again.json() as Chain).chain.find((l) => l.level === 'street')!.people).toEqual([]);
  });

  it('takes the name of a named user when none is given', async () => {
    const users = await env.db.run(systemCaller('test'), async (trx) =>
      (await sql<{ id: string }>`select id from app_user where username = 'leader'`.execute(trx)).rows,
    );
    const res = await put('admin', [{ jurisdictionId: node(chain, 'street').id, role: '包片領導', userId: users[0]!.id }]);
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as Chain).chain.find((l) => l.level === 'street')!.people).toEqual([
      { role: '包片領導', name: '李志强', userId: users[0]!.id },
    ]);
  });

  it('refuses bad entries with the field that was wrong and writes nothing', async () => {
    const before = (await get('admin')).json() as Chain;
    const cases: Array<[unknown[], number, string]> = [
      [[{ jurisdictionId: node(chain, 'community').id, role: 'x', name: 'y', phone: '12345' }], 422, 'entries.0.phone'],
      [[{ jurisdictionId: gridId, role: 'a', name: 'b' }, { jurisdictionId: otherGridId, role: 'x', name: 'y' }], 422, 'entries.1.jurisdictionId'],
      [[{ role: 'x', name: 'y' }], 422, 'entries.0.jurisdictionId'],
      [[{ jurisdictionId: gridId, role: 'x' }], 422, 'entries.0.name'],
      [[{ jurisdictionId: gridId, role: 'x', userId: '01890000-0000-7000-8000-000000000000' }], 422, 'entries.0.userId'],
      [[{ departmentId: '01890000-0000-7000-8000-000000000000', role: 'x', name: 'y' }], 422, 'entries.0.departmentId'],
      [[{ jurisdictionId: gridId, role: '   ', name: 'y' }], 422, 'entries.0.role'],
      [[{ jurisdictionId: gridId, role: 'x', name: 'y', extra: 1 }], 400, 'entries.0'],
    ];
    for (const [entries, status, field] of cases) {
      const res = await put('admin', entries);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().field, res.body).toContain(field);
    }
    expect((await get('admin')).json()).toEqual(before);
  });

  it('is for admins only, and an admin of a street may not rewrite the district’s entries', async () => {
    expect((await put('gridworker', [])).statusCode).toBe(403);
    expect((await put('leader', [])).statusCode).toBe(403);

    const street = node(chain, 'street');
    const username = `street-admin-${unique()}`;
    await env.ctx.identity.createUser(systemCaller('test'), { username, password: TEST_PASSWORD, role: 'admin', jurisdictionCode: street.code });
    s[username] = await login(env.app, username);
    const districtEntry = { jurisdictionId: node(chain, 'district').id, role: '區長', name: '高遠', phone: '13700001234' };
    expect((await put('admin', [districtEntry])).statusCode).toBe(200);

    const refused = await put(username, [districtEntry, { jurisdictionId: street.id, role: '主任', name: '林立' }]);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().field).toBe('entries.0.jurisdictionId');

    const ok = await put(username, [{ jurisdictionId: street.id, role: '主任', name: '林立', phone: '13600002222' }]);
    expect(ok.statusCode, ok.body).toBe(200);
    const c = ok.json() as Chain;
    // The district's entry stays, and its phone stays masked for an admin below it.
    expect(c.chain.find((l) => l.level === 'district')!.people).toEqual([{ role: '區長', name: '高遠', phone: '137****1234' }]);
    expect(c.chain.find((l) => l.level === 'street')!.people).toEqual([{ role: '主任', name: '林立', phone: '13600002222' }]);
    expect(c.masked).toBe(true);
    // What the street's admin may rewrite: the grid, the community and the street, not the district or its departments.
    expect(c.chain.filter((l) => l.editable).map((l) => l.level)).toEqual(['grid', 'community', 'street']);
    expect(((await get('admin')).json() as Chain).chain.every((l) => l.editable)).toBe(true);
    expect(((await get('gridworker')).json() as Chain).chain.some((l) => l.editable)).toBe(false);
  });
});
