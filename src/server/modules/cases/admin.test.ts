import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemCaller } from '../../../db/caller.ts';
import { login, type Session, type TestEnv, testEnv } from '../../../testing/context.ts';

let env: TestEnv;
let admin: Session;
let clerk: Session;

beforeAll(async () => {
  env = await testEnv();
  admin = await login(env.app, 'admin');
  clerk = await login(env.app, 'clerk');
});

describe('categories, routing rules and the calendar', () => {
  it('lets an admin change a category limit, and refuses a clerk', async () => {
    const got = await env.app.inject({ method: 'GET', url: '/api/categories/E0102' });
    expect(got.statusCode).toBe(200);
    const c = got.json() as Record<string, unknown> & { limits: { handle: { normal: number } } };
    const { code: _c, type: _t, majorCode: _m, ...body } = c;
    body.limits = { ...c.limits, handle: { ...c.limits.handle, normal: c.limits.handle.normal + 30 } };
    const no = await env.app.inject({ method: 'PUT', url: '/api/categories/E0102', headers: clerk.headers, payload: body });
    expect(no.statusCode).toBe(403);
    const ok = await env.app.inject({ method: 'PUT', url: '/api/categories/E0102', headers: admin.headers, payload: body });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().limits.handle.normal).toBe(c.limits.handle.normal + 30);
    const bad = await env.app.inject({ method: 'PUT', url: '/api/categories/E0102', headers: admin.headers, payload: { ...body, limits: { ...c.limits, accept: 0 } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toMatch(/limits/);
  });

  it('routes a category to the department of the most specific rule', async () => {
    const depts = (await env.app.inject({ method: 'GET', url: '/api/departments', headers: { cookie: admin.cookie } })).json() as { items: Array<{ id: string; kind: string }> };
    const roads = depts.items.find((d) => d.kind === 'roads') ?? depts.items[0]!;
    const gw = await login(env.app, 'gridworker');
    const me = (await env.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: gw.cookie } })).json() as { user: { roles: Array<{ jurisdictionId: string }> } };
    const gridId = me.user.roles[0]!.jurisdictionId;
    const r = await env.app.inject({ method: 'POST', url: '/api/routing-rules', headers: admin.headers, payload: { categoryCode: 'E0103', jurisdictionId: gridId, departmentId: roads.id } });
    expect(r.statusCode, r.body).toBe(201);
    const p = await env.db.run(systemCaller('test'), async (trx) =>
      (await sql<{ lat: number; lng: number }>`select st_y(st_pointonsurface(geom)) as lat, st_x(st_pointonsurface(geom)) as lng from jurisdiction where id = ${gridId}`.execute(trx)).rows[0]!,
    );
    const rep = await env.app.inject({ method: 'POST', url: '/api/reports', payload: { categoryCode: 'E0103', lat: p.lat, lng: p.lng, description: 'rubble', deviceId: `x-${Math.random()}` } });
    const got = await env.app.inject({ method: 'GET', url: `/api/cases/${rep.json().caseId}`, headers: { cookie: admin.cookie } });
    expect(got.json().suggestedDepartmentId).toBe(roads.id);
    const del = await env.app.inject({ method: 'DELETE', url: `/api/routing-rules/${r.json().id}`, headers: admin.headers });
    expect(del.statusCode).toBe(204);
  });

  it('shows the calendar with bundled official years, and lets an admin add a year', async () => {
    const cal = (await env.app.inject({ method: 'GET', url: '/api/calendar', headers: { cookie: clerk.cookie } })).json() as { years: Array<{ year: number; holidays: string[] }> };
    expect(cal.years.map((y) => y.year)).toEqual(expect.arrayContaining([2025, 2026]));
    expect(cal.years.find((y) => y.year === 2026)!.holidays).toContain('2026-10-01');
    const put = await env.app.inject({ method: 'PUT', url: '/api/calendar/years/2030', headers: admin.headers, payload: { holidays: ['2030-01-01'], workdays: [] } });
    expect(put.statusCode, put.body).toBe(200);
    expect((put.json() as { years: Array<{ year: number }> }).years.map((y) => y.year)).toContain(2030);
    const wrong = await env.app.inject({ method: 'PUT', url: '/api/calendar/years/2031', headers: admin.headers, payload: { holidays: ['2030-05-01'], workdays: [] } });
    expect(wrong.statusCode).toBe(422);
  });
});

describe('routing against PostGIS', () => {
  it('routes random points to the grid PostGIS finds; just outside to triage; far away refused', async () => {
    const box = await env.db.run(systemCaller('test'), async (trx) =>
      (await sql<{ x0: number; y0: number; x1: number; y1: number }>`select st_xmin(e) as x0, st_ymin(e) as y0, st_xmax(e) as x1, st_ymax(e) as y1
        from (select st_extent(geom)::geometry as e from jurisdiction where level = 'grid' and valid_to is null and path <@ 'p110100'::ltree) t`.execute(trx)).rows[0]!,
    );
    let seed = 7;
    const rand = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    let routed = 0;
    for (let i = 0; i < 60; i++) {
      const lng = box.x0 + rand() * (box.x1 - box.x0);
      const lat = box.y0 + rand() * (box.y1 - box.y0);
      const truth = await env.db.run(systemCaller('test'), async (trx) =>
        (await sql<{ id: string }>`select id from jurisdiction where level = 'grid' and valid_to is null and path <@ 'p110100'::ltree
          and st_covers(geom, st_setsrid(st_makepoint(${lng}, ${lat}), 4326))
          and not st_dwithin(st_boundary(geom), st_setsrid(st_makepoint(${lng}, ${lat}), 4326), 1e-7)`.execute(trx)).rows,
      );
      const r = await env.app.inject({ method: 'POST', url: '/api/reports', payload: { categoryCode: 'E0102', lat, lng, description: `routing ${i}`, deviceId: `r-${i}-${Math.random()}` } });
      if (truth.length === 1) {
        expect(r.statusCode).toBe(201);
        const got = await env.app.inject({ method: 'GET', url: `/api/cases/${r.json().caseId}`, headers: { cookie: admin.cookie } });
        expect(got.json().gridId).toBe(truth[0]!.id);
        routed++;
      }
    }
    expect(routed).toBeGreaterThan(20);
    // 200 m east of the easternmost vertex of any grid: outside every grid, inside the 500 m service buffer → triage.
    const v = await env.db.run(systemCaller('test'), async (trx) =>
      (await sql<{ x: number; y: number }>`select st_x(p) as x, st_y(p) as y from (
          select (st_dumppoints(geom)).geom as p from jurisdiction where level = 'grid' and valid_to is null and path <@ 'p110100'::ltree) t
        order by st_x(p) desc limit 1`.execute(trx)).rows[0]!,
    );
    const east = v.x + 200 / (111_320 * Math.cos((v.y * Math.PI) / 180));
    const mid = v.y;
    const near = await env.app.inject({ method: 'POST', url: '/api/reports', payload: { categoryCode: 'E0102', lat: mid, lng: east, description: 'just outside', deviceId: `n-${Math.random()}` } });
    expect(near.statusCode, near.body).toBe(201);
    expect(near.json().triage).toBe(true);
    const triaged = await env.app.inject({ method: 'GET', url: `/api/cases/${near.json().caseId}`, headers: { cookie: admin.cookie } });
    expect(triaged.json().gridId).toBeNull();
    const far = await env.app.inject({ method: 'POST', url: '/api/reports', payload: { categoryCode: 'E0102', lat: mid, lng: box.x1 + 0.1, description: 'far', deviceId: `f-${Math.random()}` } });
    expect(far.statusCode).toBe(422);
    expect(far.json().code).toBe('OUTSIDE_SERVICE_AREA');
  });
});
