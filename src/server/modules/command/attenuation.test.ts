import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemCaller } from '../../../db/caller.ts';
import type { Tx } from '../../../db/database.ts';
import { newId } from '../../../domain/ids.ts';
import { login, type TestEnv, testEnv, unique } from '../../../testing/context.ts';
import { multipart, TINY_JPEG } from '../../../testing/uploads.ts';
import { buildFixtureCity, type FixtureCity } from './analysis-fixture.ts';
import { todayIn } from './service.ts';

interface Figures {
  count: number;
  onTime: number;
  medianMinutes: number | null;
  p90Minutes: number | null;
  onTimeRate: number | null;
}
interface LevelRow extends Figures {
  level: string;
  stages: Array<Figures & { stage: string }>;
}
interface Body {
  asOf: string;
  period: { from: string; to: string };
  node: { id: string; level: string };
  levels: LevelRow[];
  comparePeriod?: { from: string; to: string };
  compare?: LevelRow[];
}

let env: TestEnv;
let city: FixtureCity;
const MIN = 60_000;

// How each stage's run ends: the action, and the states it leaves and enters.
const END = {
  accept: ['accept', 'reported', 'accepted'],
  confirm: ['confirm', 'accepted', 'confirmed'],
  register: ['register', 'confirmed', 'registered'],
  dispatch: ['dispatch', 'registered', 'dispatched'],
  handle: ['handle', 'handling', 'handled'],
  verify: ['verify_pass', 'handled', 'verified'],
} as const;

async function insertCase(trx: Tx, districtIndex: 0 | 1, registeredAt: string, state = 'closed'): Promise<{ id: string; districtId: string }> {
  const d = city.districts[districtIndex];
  const id = newId();
  await sql`insert into cases (id, district_id, street_id, community_id, grid_id, path, number, tracking_hash, channel,
      category_code, state, department_id, description, lat, lng, geom, reported_at, registered_at)
    values (${id}, ${d.id}, ${d.streetId}, ${d.communityId}, ${d.gridId}, ${env.ctx.territory.pathOf(d.gridId)}::ltree,
      ${`FX-${unique()}-${id.slice(-6)}`}, ${`fx-${id}`}, 'resident', 'E0102', ${state},
      ${districtIndex === 0 ? city.departmentId : null}, 'attenuation fixture', ${d.point.lat}, ${d.point.lng},
      st_setsrid(st_makepoint(${d.point.lng}, ${d.point.lat}), 4326), ${new Date(registeredAt)}, ${new Date(registeredAt)})`.execute(trx);
  return { id, districtId: d.id };
}

/**
 * One stopped stage run of `minutes` working span (plus `pause` parked minutes), ended by `actor` in `role`: on time
 * (stopped exactly at its deadline) unless `late`.
 */
async function insertRun(
  trx: Tx,
  c: { id: string; districtId: string },
  stage: keyof typeof END,
  minutes: number,
  o: { actor: string; role: string; late?: boolean; pause?: number; closedBy?: { actor: string; role: string } },
): Promise<Date> {
  const start = new Date(Date.UTC(2025, 2, 1, 1, 0) + Math.floor(Math.random() * 1000) * MIN);
  const pause = o.pause ?? 0;
  const stopped = new Date(start.getTime() + (minutes + pause) * MIN);
  const pauses = pause ? [{ from: new Date(start.getTime() + 5 * MIN).toISOString(), to: new Date(start.getTime() + (5 + pause) * MIN).toISOString() }] : [];
  const deadline = new Date(stopped.getTime() - (o.late ? MIN : 0));
  await sql`insert into case_clock (id, case_id, district_id, stage, base, limit_minutes, started_at, stopped_at, pauses, deadline_at)
    values (${newId()}, ${c.id}, ${c.districtId}, ${stage}, 'natural', 60, ${start}, ${stopped}, ${JSON.stringify(pauses)}::jsonb,
      ${deadline})`.execute(trx);
  const [action, from, to] = END[stage];
  // With `closedBy`, the check happens half-way and the close ends the run (verify's clock runs until closing).
  const at = o.closedBy ? new Date(start.getTime() + (minutes / 2) * MIN) : stopped;
  await sql`insert into case_event (id, case_id, district_id, at, actor, actor_role, action, from_state, to_state)
    values (${newId()}, ${c.id}, ${c.districtId}, ${at}, ${o.actor}, ${o.role}, ${action}, ${from}, ${to})`.execute(trx);
  if (o.closedBy) {
    await sql`insert into case_event (id, case_id, district_id, at, actor, actor_role, action, from_state, to_state)
      values (${newId()}, ${c.id}, ${c.districtId}, ${stopped}, ${o.closedBy.actor}, ${o.closedBy.role}, 'close', 'verified', 'closed')`.execute(trx);
  }
  return stopped;
}

const user = (k: keyof FixtureCity['users']) => `user:${city.users[k].id}`;

beforeAll(async () => {
  env = await testEnv();
  city = await buildFixtureCity(env, '62');
  const token = await env.ctx.identity.createToken(systemCaller('test'), { username: city.users.clerk.username, name: 'desk', scopes: ['cases:write'] });
  await env.db.run(systemCaller('test'), async (trx) => {
    const clerk = { actor: user('clerk'), role: 'intake_clerk' };
    const gw = { actor: user('gridworker'), role: 'grid_worker' };
    const lead = { actor: user('shiftlead'), role: 'shift_lead' };
    const disp = { actor: user('dispatcher'), role: 'dispatcher' };
    const dept = { actor: user('dept'), role: 'department_staff' };

    // Registered on the period's first instant in the city's zone (2025-03-03 00:00 +08:00).
    const a = await insertCase(trx, 0, '2025-03-03T00:00:00+08:00');
    await insertRun(trx, a, 'accept', 10, clerk);
    await insertRun(trx, a, 'confirm', 30, gw);
    await insertRun(trx, a, 'register', 20, lead);
    await insertRun(trx, a, 'dispatch', 15, { ...disp, late: true });
    const handled = await insertRun(trx, a, 'handle', 240, dept);
    // A leader's flag at the same instant leaves the handle stage alone: it must not take the run to the city.
    await sql`insert into case_event (id, case_id, district_id, at, actor, actor_role, action, from_state, to_state)
      values (${newId()}, ${a.id}, ${a.districtId}, ${handled}, ${user('leader')}, 'leader', 'supervise', 'handling', 'handling')`.execute(trx);
    // The grid worker's check is credited with the verify run, not the shift lead's close that stopped its clock.
    await insertRun(trx, a, 'verify', 60, { ...gw, late: true, closedBy: lead });
    // Still running, and the whole-case clock: neither is a stage run that ended.
    await sql`insert into case_clock (id, case_id, district_id, stage, base, limit_minutes, started_at, stopped_at, deadline_at)
      values (${newId()}, ${a.id}, ${a.districtId}, 'verify', 'natural', 60, now(), null, now()),
             (${newId()}, ${a.id}, ${a.districtId}, 'case', 'natural', 60, now() - interval '9 days', now(), now())`.execute(trx);

    const b = await insertCase(trx, 0, '2025-03-05T10:00:00+08:00');
    // A seeded history's runs have no real person behind them: accept goes to its home level, the district.
    await insertRun(trx, b, 'accept', 50, { actor: 'system:seed', role: 'intake_clerk' });
    await insertRun(trx, b, 'confirm', 90, { ...gw, late: true });
    await insertRun(trx, b, 'register', 40, lead);
    await insertRun(trx, b, 'dispatch', 5, disp);
    await insertRun(trx, b, 'handle', 500, { ...dept, pause: 100 });

    const c = await insertCase(trx, 0, '2025-03-09T23:59:00+08:00', 'handled');
    await insertRun(trx, c, 'accept', 30, { actor: `token:${token.id}`, role: 'intake_clerk' });
    await insertRun(trx, c, 'verify', 45, { actor: 'public', role: 'reporter' });

    // Outside the cohort: registered a minute after the period in the city's zone, voided, or in the other district.
    const e = await insertCase(trx, 0, '2025-03-10T00:00:00+08:00');
    await insertRun(trx, e, 'confirm', 5000, gw);
    const f = await insertCase(trx, 0, '2025-03-05T10:00:00+08:00', 'voided');
    await insertRun(trx, f, 'register', 5000, lead);
    const k = await insertCase(trx, 1, '2025-03-05T10:00:00+08:00');
    await insertRun(trx, k, 'register', 1000, { actor: 'system:seed', role: 'shift_lead' });

    // The comparison week.
    const h = await insertCase(trx, 0, '2025-03-02T23:59:00+08:00');
    await insertRun(trx, h, 'confirm', 120, gw);
  });
});

afterAll(() => env.clock.reset());

async function attenuation(query: string, who = city.users.leader.session.cookie) {
  return env.app.inject({ method: 'GET', url: `/api/command/attenuation?${query}`, headers: { cookie: who } });
}

const level = (b: { levels: LevelRow[] } | LevelRow[], name: string) => (Array.isArray(b) ? b : b.levels).find((l) => l.level === name)!;
const stage = (l: LevelRow, name: string) => l.stages.find((s) => s.stage === name);

describe('GET /api/command/attenuation', () => {
  it('gives per level the median, the 90th percentile and the on-time rate of the stage runs it ended', async () => {
    const res = await attenuation(`jurisdiction=${city.districts[0].id}&from=2025-03-03&to=2025-03-09&compareFrom=2025-02-24&compareTo=2025-03-02`);
    expect(res.statusCode, res.body).toBe(200);
    const b = res.json() as Body;
    expect(b.node).toMatchObject({ id: city.districts[0].id, level: 'district' });
    expect(b.period).toEqual({ from: '2025-03-03', to: '2025-03-09' });
    expect(b.levels.map((l) => l.level)).toEqual(['district', 'street', 'community', 'grid']);

    // District: register A 20, dispatch A 15 (late), accept B 50 (seeded: home level), register B 40, dispatch B 5.
    // Sorted 5, 15, 20, 40, 50: median 20; p90 at rank 0.9·4 = 3.6 → 40 + 0.6·10 = 46; on time 4 of 5.
    expect(level(b, 'district')).toMatchObject({ count: 5, onTime: 4, medianMinutes: 20, p90Minutes: 46, onTimeRate: 0.8 });
    expect(stage(level(b, 'district'), 'dispatch')).toEqual({ stage: 'dispatch', count: 2, onTime: 1, medianMinutes: 10, p90Minutes: 14, onTimeRate: 0.5 });
    expect(stage(level(b, 'district'), 'register')).toMatchObject({ count: 2, medianMinutes: 30, p90Minutes: 38, onTimeRate: 1 });
    expect(stage(level(b, 'district'), 'accept')).toMatchObject({ count: 1, medianMinutes: 50, p90Minutes: 50 });

    // Street: the clerk placed at the street accepted A (10) and, by API token, C (30); the department attached at
    // the street handled A (240) and B (600 less 100 parked = 500). Sorted 10, 30, 240, 500: median (30 + 240) / 2 =
    // 135; p90 at rank 2.7 → 240 + 0.7·260 = 422; all on time.
    expect(level(b, 'street')).toMatchObject({ count: 4, onTime: 4, medianMinutes: 135, p90Minutes: 422, onTimeRate: 1 });
    expect(stage(level(b, 'street'), 'accept')).toMatchObject({ count: 2, medianMinutes: 20, p90Minutes: 28 });
    expect(stage(level(b, 'street'), 'handle')).toMatchObject({ count: 2, medianMinutes: 370, p90Minutes: 474 });

    // Grid: confirm A 30, verify A 60 (late), confirm B 90 (late), the reporter's verify of C 45 (home level).
    // Sorted 30, 45, 60, 90: median 52.5; p90 at rank 2.7 → 60 + 0.7·30 = 81; on time 2 of 4.
    expect(level(b, 'grid')).toMatchObject({ count: 4, onTime: 2, medianMinutes: 52.5, p90Minutes: 81, onTimeRate: 0.5 });
    expect(stage(level(b, 'grid'), 'verify')).toMatchObject({ count: 2, medianMinutes: 52.5, p90Minutes: 58.5, onTimeRate: 0.5 });

    expect(level(b, 'community')).toEqual({ level: 'community', count: 0, onTime: 0, medianMinutes: null, p90Minutes: null, onTimeRate: null, stages: [] });

    expect(b.comparePeriod).toEqual({ from: '2025-02-24', to: '2025-03-02' });
    expect(level(b.compare!, 'grid')).toMatchObject({ count: 1, medianMinutes: 120, p90Minutes: 120, onTimeRate: 1 });
    expect(level(b.compare!, 'district').count).toBe(0);
  });

  it('counts the whole subtree of the node asked for', async () => {
    const res = await attenuation(`jurisdiction=${city.cityId}&from=2025-03-03&to=2025-03-09`);
    expect(res.statusCode, res.body).toBe(200);
    const b = res.json() as Body;
    // The other district's seeded register (1000 minutes) joins the district level.
    expect(level(b, 'district')).toMatchObject({ count: 6, onTime: 5 });
    expect(b.compare).toBeUndefined();
    const street = await attenuation(`jurisdiction=${city.districts[0].streetId}&from=2025-03-03&to=2025-03-09`);
    expect(level(street.json() as Body, 'street').count).toBe(4);
  });

  it('follows a real case through the workflow to the levels of the people who acted', async () => {
    const u = city.users;
    const act = (who: keyof typeof u, id: string, action: string, body: Record<string, unknown> = {}) =>
      env.app.inject({ method: 'POST', url: `/api/cases/${id}/actions/${action}`, headers: u[who].session.headers, payload: body });
    const d = city.districts[0];
    const r = await env.app.inject({ method: 'POST', url: '/api/reports', payload: { categoryCode: 'E0102', ...d.point, description: 'flow', deviceId: `fx-${Math.random()}` } });
    expect(r.statusCode, r.body).toBe(201);
    const id = (r.json() as { caseId: string }).caseId;
    const minutes = (n: number) => env.clock.advance(n * MIN);
    minutes(3);
    expect((await act('clerk', id, 'accept', { duplicatesReviewed: true })).statusCode).toBe(200);
    minutes(7);
    expect((await act('gridworker', id, 'confirm', { note: 'seen' })).statusCode).toBe(200);
    expect((await act('shiftlead', id, 'register', { categoryCode: 'E0102', priority: 'normal' })).statusCode).toBe(200);
    expect((await act('dispatcher', id, 'dispatch', { departmentId: city.departmentId })).statusCode).toBe(200);
    expect((await act('dept', id, 'start')).statusCode).toBe(200);
    minutes(11);
    const m = multipart({ note: 'done' }, [{ field: 'photos', name: 'a.jpg', type: 'image/jpeg', data: TINY_JPEG }]);
    const h = await env.app.inject({ method: 'POST', url: `/api/cases/${id}/actions/handle`, headers: { ...u.dept.session.headers, ...m.headers }, payload: m.payload });
    expect(h.statusCode, h.body).toBe(200);
    expect((await act('gridworker', id, 'verify_pass', { note: 'ok' })).statusCode).toBe(200);
    minutes(5);
    expect((await act('shiftlead', id, 'close')).statusCode).toBe(200);

    const today = todayIn(env.ctx.config.timezone, env.ctx.cases.now());
    const res = await attenuation(`jurisdiction=${d.id}&from=${today}&to=${today}`);
    const b = res.json() as Body;
    const stagesAt = (name: string) => level(b, name).stages.map((s) => s.stage);
    expect(stagesAt('street')).toEqual(['accept', 'handle']);
    expect(stagesAt('grid')).toEqual(['confirm', 'verify']);
    expect(stagesAt('district')).toEqual(['register', 'dispatch']);
    expect(stage(level(b, 'street'), 'accept')!.medianMinutes).toBeCloseTo(3, 0);
    expect(stage(level(b, 'street'), 'handle')!.medianMinutes).toBeCloseTo(11, 0);
    expect(stage(level(b, 'grid'), 'confirm')!.medianMinutes).toBeCloseTo(7, 0);
    // Checked at once, closed five minutes later: the whole verify run is the grid's.
    expect(stage(level(b, 'grid'), 'verify')!.medianMinutes).toBeCloseTo(5, 0);
  });

  it('answers 404 outside the caller’s subtree and 400 with the field for a bad period', async () => {
    expect((await attenuation(`jurisdiction=${city.districts[0].id}`, city.users.leader2.session.cookie)).statusCode).toBe(404);
    const demoLeader = await login(env.app, 'leader');
    expect((await attenuation(`jurisdiction=${city.cityId}`, demoLeader.cookie)).statusCode).toBe(404);
    expect((await attenuation('jurisdiction=nope')).statusCode).toBe(404);
    // Periods are checked as everywhere on the command center (PERIOD_INVALID); the comparison's fields are its own.
    const bad: Array<[string, string]> = [
      ['from=2025-02-30&to=2025-03-01', 'from'],
      ['from=2025-03-01&to=2025-03-02&compareFrom=2025-02-01', 'compareTo'],
      ['from=2025-03-01&to=2025-03-02&compareTo=2025-02-01', 'compareFrom'],
      ['from=2025-03-01&to=2025-03-02&compareFrom=2025-02-01&compareTo=2025/02/07', 'compareTo'],
      ['from=2025-03-01&to=2025-03-02&compareFrom=2025-02-08&compareTo=2025-02-07', 'compareFrom'],
    ];
    for (const [q, field] of bad) {
      const res = await attenuation(`jurisdiction=${city.districts[0].id}&${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json(), q).toMatchObject({ code: 'PERIOD_INVALID', field });
    }
    // Without a period: the last 30 days up to today, at the caller's own node.
    const res = await attenuation('');
    expect(res.statusCode).toBe(200);
    const b = res.json() as Body;
    expect(b.node.id).toBe(city.cityId);
    expect(b.period.to).toBe(todayIn(env.ctx.config.timezone, env.ctx.cases.now()));
  });
});
