import { gunzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemCaller } from '../../../db/caller.ts';
import { login, type Session, type TestEnv, testEnv } from '../../../testing/context.ts';

let env: TestEnv;
const s: Record<string, Session> = {};
type Grid = { id: string; code: string; lng: number; lat: number; district: string; path: string; community: string };
/** The grid worker's grid, and a grid of its own for the drill-down. */
let mine: Grid;
let other: Grid;


beforeAll(async () => {
  env = await testEnv();
  for (const who of ['leader', 'gridworker']) s[who] = await login(env.app, who);
  const me = await env.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: s.gridworker!.cookie } });
  const workerGrid = (me.json() as { user: { roles: Array<{ jurisdictionId: string }> } }).user.roles[0]!.jurisdictionId;
  const grids = await env.db.run(systemCaller('test'), async (trx) =>
    (
      await sql<Grid>`select g.id::text as id, g.code, st_x(st_pointonsurface(g.geom)) as lng, st_y(st_pointonsurface(g.geom)) as lat,
          d.id::text as district, g.path::text as path, g.parent_id::text as community
        from jurisdiction g join jurisdiction d on d.path @> g.path and d.level = 'district'
        where g.level = 'grid' and g.valid_to is null and g.code like '11%' order by (g.id = ${workerGrid}) desc, g.code desc limit 6`.execute(trx)
    ).rows,
  );
  mine = grids[0]!;
  other = grids[5]!;
});

async function componentsAt(g: Grid, n: number, status: string) {
  await env.db.run(systemCaller('test'), (trx) =>
    sql`insert into component (id, district_id, grid_id, path, code, status, point)
      select gen_random_uuid(), ${g.district}, ${g.id}, ${g.path}::ltree, '110101' || '0808' || lpad((floor(random() * 999999))::int::text, 6, '0'),
        ${status}, st_setsrid(st_point(${g.lng} + i * 0.000001, ${g.lat}), 4326) from generate_series(1, ${n}) i`.execute(trx),
  );
}

describe('map points', () => {
  it('gives every component of the caller\'s scope as compact arrays, compressed when the client accepts it', async () => {
    await componentsAt(mine, 3, 'damaged');
    await componentsAt(other, 2, 'intact');
    const inMine = await env.db.run(systemCaller('test'), async (trx) =>
      (await sql<{ n: number }>`select count(*)::int as n from component where grid_id = ${mine.id}`.execute(trx)).rows[0]!.n,
    );
    const r = await env.app.inject({ method: 'GET', url: '/api/map/points?layer=components', headers: { cookie: s.gridworker!.cookie } });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json() as { layer: string; categories: string[]; points: Array<[number, number, number]> };
    expect(body.layer).toBe('components');
    expect(body.categories).toEqual(['intact', 'damaged', 'missing', 'occupied', 'abandoned']);
    expect(body.points).toHaveLength(inMine);
    const near = body.points.filter(([lng, lat]) => Math.abs(lat - mine.lat) < 1e-4 && Math.abs(lng - mine.lng) < 1e-4);
    expect(near.filter((p) => p[2] === 1).length).toBeGreaterThanOrEqual(3);
    for (const [lng] of body.points) expect(String(lng).split('.')[1]?.length ?? 0).toBeLessThanOrEqual(5);

    const wide = await env.app.inject({ method: 'GET', url: '/api/map/points?layer=buildings', headers: { cookie: s.leader!.cookie, 'accept-encoding': 'gzip' } });
    expect(wide.statusCode).toBe(200);
    const total = await env.db.run(systemCaller('test'), async (trx) =>
      (await sql<{ n: number }>`select count(*)::int as n from building`.execute(trx)).rows[0]!.n,
    );
    const text = wide.headers['content-encoding'] === 'gzip' ? gunzipSync(wide.rawPayload).toString('utf8') : wide.body;
    expect((JSON.parse(text) as { points: unknown[] }).points).toHaveLength(total);
    const bad = await env.app.inject({ method: 'GET', url: '/api/map/points?layer=cases', headers: { cookie: s.leader!.cookie } });
    expect(bad.statusCode).toBe(400);
  });
});

describe('completeness drill-down', () => {
  async function page(jurisdiction: string, kind: string, limit: number, cursor?: string) {
    const q = new URLSearchParams({ jurisdiction, kind, limit: String(limit), ...(cursor ? { cursor } : {}) });
    const r = await env.app.inject({ method: 'GET', url: `/api/completeness/missing?${q}`, headers: { cookie: s.leader!.cookie } });
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as { items: Array<{ id: string; label: string; missing: string[] }>; next: string | null };
  }

  async function all(jurisdiction: string, kind: string, limit: number) {
    const out: Array<{ id: string; label: string; missing: string[] }> = [];
    let p = await page(jurisdiction, kind, limit);
    out.push(...p.items);
    while (p.next) {
      p = await page(jurisdiction, kind, limit, p.next);
      out.push(...p.items);
    }
    return out;
  }

  it('pages through the incomplete persons grid by grid, each once, and follows residences as they open and close', async () => {
    const g = other;
    const ids = await env.db.run(systemCaller('test'), async (trx) => {
      const made: string[] = [];
      // Five persons without a phone, one complete: all with an open residence.
      for (let i = 0; i < 6; i++) {
        const id = crypto.randomUUID();
        made.push(id);
        await sql`insert into person (id, district_id, grid_id, path, name, name_key, id_number_index, phone_index, gender, birth_date)
          values (${id}, ${g.district}, ${g.id}, ${g.path}::ltree, ${`缺项${i}`}, ${`缺项${i}`}, ${`idx-${id}`}, ${i === 5 ? `ph-${id}` : null},
            'male', '1990-01-01')`.execute(trx);
        await sql`insert into residence (id, district_id, path, person_id, residence_type)
          values (${crypto.randomUUID()}, ${g.district}, ${g.path}::ltree, ${id}, 'registered')`.execute(trx);
      }
      return made;
    });
    const incomplete = ids.slice(0, 5).sort();
    const inGrid = await all(g.id, 'persons_incomplete', 2);
    const ours = inGrid.filter((p) => ids.includes(p.id));
    expect(ours.map((p) => p.id)).toEqual(incomplete);
    expect(ours.every((p) => p.missing.join() === 'phone')).toBe(true);
    expect(new Set(inGrid.map((p) => p.id)).size).toBe(inGrid.length);
    const first = await page(g.id, 'persons_incomplete', 2);
    expect(first.items).toHaveLength(2);

    // Under the community, in pages of 3: the same persons, once each, in the same order.
    const inCommunity = await all(g.community, 'persons_incomplete', 3);
    expect(inCommunity.filter((p) => ids.includes(p.id)).map((p) => p.id)).toEqual(incomplete);
    expect(new Set(inCommunity.map((p) => p.id)).size).toBe(inCommunity.length);

    // The complete person moves out: without an open residence it is incomplete, and complete again on moving in.
    const complete = ids[5]!;
    await env.db.run(systemCaller('test'), (trx) => sql`update residence set moved_out = current_date where person_id = ${complete}`.execute(trx));
    expect((await all(g.id, 'persons_incomplete', 50)).find((p) => p.id === complete)?.missing).toEqual(['residence']);
    await env.db.run(systemCaller('test'), (trx) =>
      sql`insert into residence (id, district_id, path, person_id, residence_type)
        values (${crypto.randomUUID()}, ${g.district}, ${g.path}::ltree, ${complete}, 'floating')`.execute(trx),
    );
    expect((await all(g.id, 'persons_incomplete', 50)).some((p) => p.id === complete)).toBe(false);

    const bad = await env.app.inject({
      method: 'GET',
      url: `/api/completeness/missing?jurisdiction=${g.id}&kind=persons_incomplete&cursor=not-a-cursor`,
      headers: { cookie: s.leader!.cookie },
    });
    expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'cursor' });
  });

  it('lists a household without members until a member moves in, and again once the last one moves out', async () => {
    const g = other;
    const household = crypto.randomUUID();
    await env.db.run(systemCaller('test'), (trx) =>
      sql`insert into household (id, district_id, grid_id, path, number) values (${household}, ${g.district}, ${g.id}, ${g.path}::ltree, ${`空户${household.slice(0, 8)}`})`.execute(trx),
    );
    const empty = async () => (await all(g.id, 'households_without_members', 50)).some((h) => h.id === household);
    expect(await empty()).toBe(true);
    const person = crypto.randomUUID();
    await env.db.run(systemCaller('test'), async (trx) => {
      await sql`insert into person (id, district_id, grid_id, path, name, name_key) values (${person}, ${g.district}, ${g.id}, ${g.path}::ltree, 'x', 'x')`.execute(trx);
      await sql`insert into residence (id, district_id, path, person_id, household_id, residence_type)
        values (${crypto.randomUUID()}, ${g.district}, ${g.path}::ltree, ${person}, ${household}, 'registered')`.execute(trx);
    });
    expect(await empty()).toBe(false);
    await env.db.run(systemCaller('test'), (trx) => sql`delete from residence where household_id = ${household}`.execute(trx));
    expect(await empty()).toBe(true);
    const counts = await env.app.inject({ method: 'GET', url: `/api/completeness?jurisdiction=${g.id}`, headers: { cookie: s.leader!.cookie } });
    const item = (counts.json() as { items: Array<{ households: number; householdsWithMembers: number }> }).items[0]!;
    expect(item.households - item.householdsWithMembers).toBeGreaterThanOrEqual(1);
  });
});
