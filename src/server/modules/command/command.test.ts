import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemCaller } from '../../../db/caller.ts';
import type { Tx } from '../../../db/database.ts';
import { newId } from '../../../domain/ids.ts';
import { OPEN_STATES } from '../../../domain/workflow.ts';
import { type TestEnv, testEnv, unique } from '../../../testing/context.ts';
import { buildCommandCity, type CommandCity, type FixtureNode } from './command-fixture.ts';
import type { Indicator, IndicatorKey } from './indicators.ts';
import { binsOf } from './queries.ts';
import { foldRollups, rebuildRollups, syncTimezone } from './rollup.ts';
import { CommandService, type IndicatorTable, type Summary } from './service.ts';

let env: TestEnv;
let city: CommandCity;
let now: Date;

/** The period of the hand-computed fixture: March 2025 in Asia/Shanghai (UTC+8), the test configuration's zone. */
const P = { from: '2025-03-01', to: '2025-03-31' };
const at = (local: string) => new Date(`${local}+08:00`);

interface CaseSpec {
  grid: 'G1' | 'G2' | 'G3' | 'G4';
  channel: string;
  state: string;
  reported: Date;
  accepted?: Date;
  registered?: Date;
  dispatched?: Date;
  handled?: Date;
  closed?: Date;
  department?: 0 | 1;
  parked?: boolean;
  stage?: string;
  stageDeadline?: Date;
  reworkCount?: number;
  extended?: boolean;
  rating?: number;
  callbackAnswer?: string;
  closedOnTime?: boolean;
  handledOnTime?: boolean;
  events?: Array<[role: string, action: string]>;
}

async function insertCase(trx: Tx, c: CaseSpec): Promise<string> {
  const id = newId();
  const g = city.nodes[c.grid];
  const district = city.nodes[c.grid === 'G4' ? 'D2' : 'D1'];
  const street = city.nodes[c.grid === 'G4' ? 'S2' : 'S1'];
  const community = city.nodes[c.grid === 'G4' ? 'C3' : c.grid === 'G3' ? 'C2' : 'C1'];
  const p = city.points[c.grid];
  await sql`insert into cases (id, district_id, street_id, community_id, grid_id, path, number, tracking_hash, channel,
      category_code, state, parked, description, lat, lng, geom, reported_at, accepted_at, registered_at, dispatched_at,
      handled_at, closed_at, department_id, rework_count, extended, rating, callback_answer, closed_on_time, handled_on_time,
      stage, stage_deadline_at, stage_yellow_at, updated_at)
    values (${id}, ${district.id}, ${street.id}, ${community.id}, ${g.id}, ${g.path}::ltree, ${`CMD-${unique()}-${id.slice(-6)}`},
      ${newId()}, ${c.channel}, 'E0102', ${c.state}, ${c.parked ?? false}, 'fixture', ${p.lat}, ${p.lng},
      st_setsrid(st_makepoint(${p.lng}, ${p.lat}), 4326), ${c.reported}, ${c.accepted ?? null}, ${c.registered ?? null},
      ${c.dispatched ?? null}, ${c.handled ?? null}, ${c.closed ?? null},
      ${c.department === undefined ? null : city.departments[c.department]}, ${c.reworkCount ?? 0}, ${c.extended ?? false},
      ${c.rating ?? null}, ${c.callbackAnswer ?? null}, ${c.closedOnTime ?? null}, ${c.handledOnTime ?? null},
      ${c.stage ?? null}, ${c.stageDeadline ?? null}, ${c.stageDeadline ?? null}, ${c.reported})`.execute(trx);
  for (const [role, action] of c.events ?? []) {
    await sql`insert into case_event (id, case_id, district_id, at, actor, actor_role, action)
      values (${newId()}, ${id}, ${district.id}, ${c.reported}, 'system:test', ${role}, ${action})`.execute(trx);
  }
  return id;
}

async function get<T>(user: keyof CommandCity['users'], url: string, status = 200): Promise<T> {
  const r = await env.app.inject({ method: 'GET', url, headers: { cookie: city.users[user].session.cookie } });
  expect(r.statusCode, r.body).toBe(status);
  return r.json() as T;
}

const rate = (list: Indicator[], key: IndicatorKey) => {
  const i = list.find((x) => x.key === key)!;
  return [i.numerator, i.denominator];
};

/** The case list's total for the same filters, as the leader sees it. */
async function listTotal(user: keyof CommandCity['users'], query: string): Promise<number> {
  const states = OPEN_STATES.map((s) => `state=${s}`).join('&');
  const r = await get<{ total: number }>(user, `/api/cases?limit=1&${query.replace('OPEN', states)}`);
  return r.total;
}

beforeAll(async () => {
  env = await testEnv();
  city = await buildCommandCity(env, '81');
  now = env.clock.now();
  const { dayBin, hourBin } = binsOf(now);
  const longAgo = at('2025-01-10T10:00:00');
  await env.db.run(systemCaller('test'), async (trx) => {
    // A: hotline, closed on time, handled on time, rated 5 and called back satisfied.
    await insertCase(trx, {
      grid: 'G1', channel: 'hotline', state: 'closed', reported: at('2025-03-05T09:00:00'), accepted: at('2025-03-05T09:00:00'),
      registered: at('2025-03-05T10:00:00'), dispatched: at('2025-03-05T11:00:00'), handled: at('2025-03-06T10:00:00'),
      closed: at('2025-03-07T10:00:00'), department: 0, handledOnTime: true, closedOnTime: true, rating: 5,
      callbackAnswer: 'satisfied',
      events: [['intake_clerk', 'intake'], ['shift_lead', 'register'], ['dispatcher', 'dispatch'], ['grid_worker', 'verify_pass'], ['shift_lead', 'close']],
    });
    // B: resident, closed late, handled late, reworked once, extended, rated 2.
    await insertCase(trx, {
      grid: 'G1', channel: 'resident', state: 'closed', reported: at('2025-03-10T08:00:00'), accepted: at('2025-03-10T08:30:00'),
      registered: at('2025-03-10T09:00:00'), dispatched: at('2025-03-10T09:30:00'), handled: at('2025-03-11T09:00:00'),
      closed: at('2025-03-11T18:00:00'), department: 0, handledOnTime: false, closedOnTime: false, reworkCount: 1,
      extended: true, rating: 2,
    });
    // C: patrol, handling, stage deadline long past: overdue.
    await insertCase(trx, {
      grid: 'G2', channel: 'grid_patrol', state: 'handling', reported: at('2025-03-12T10:00:00'), accepted: at('2025-03-12T10:00:00'),
      registered: at('2025-03-12T11:00:00'), dispatched: at('2025-03-12T12:00:00'), department: 0, stage: 'handle',
      stageDeadline: at('2025-03-13T12:00:00'),
      events: [['grid_worker', 'intake'], ['shift_lead', 'register'], ['dispatcher', 'dispatch']],
    });
    // D: registered at the last second of the period, not dispatched, its deadline ahead.
    await insertCase(trx, {
      grid: 'G2', channel: 'resident', state: 'registered', reported: at('2025-03-30T20:00:00'), accepted: at('2025-03-31T09:00:00'),
      registered: at('2025-03-31T23:59:59'), stage: 'dispatch', stageDeadline: new Date(now.getTime() + 10 * 86_400_000),
      events: [['public', 'intake'], ['intake_clerk', 'accept'], ['grid_worker', 'confirm'], ['shift_lead', 'register']],
    });
    // E: registered, then voided: reported (intake) but in no cohort.
    await insertCase(trx, {
      grid: 'G3', channel: 'resident', state: 'voided', reported: at('2025-03-14T10:00:00'), accepted: at('2025-03-14T11:00:00'),
      registered: at('2025-03-15T10:00:00'),
    });
    // F: accepted, then refuted on site: in the accepted cohort, never registered.
    await insertCase(trx, {
      grid: 'G3', channel: 'resident', state: 'rejected', reported: at('2025-03-20T10:00:00'), accepted: at('2025-03-20T10:30:00'),
      events: [['intake_clerk', 'accept'], ['grid_worker', 'refute']],
    });
    // G: reported at 00:00 local on 1 April: after the period; waiting for confirmation, overdue.
    await insertCase(trx, {
      grid: 'G4', channel: 'resident', state: 'accepted', reported: at('2025-04-01T00:00:00'), accepted: at('2025-04-01T00:00:00'),
      stage: 'confirm', stageDeadline: at('2025-04-01T04:00:00'),
    });
    // H: hotline from February, handling but parked: open, never overdue.
    await insertCase(trx, {
      grid: 'G4', channel: 'hotline', state: 'handling', reported: at('2025-02-20T10:00:00'), accepted: at('2025-02-20T10:00:00'),
      registered: at('2025-02-20T11:00:00'), dispatched: at('2025-02-20T12:00:00'), department: 1, parked: true,
      stage: 'handle', stageDeadline: at('2025-02-21T12:00:00'),
    });
    // I: reported at 00:00 local on 1 March (the period's first instant), never accepted, overdue.
    await insertCase(trx, {
      grid: 'G1', channel: 'resident', state: 'reported', reported: at('2025-03-01T00:00:00'), stage: 'accept',
      stageDeadline: at('2025-03-01T02:00:00'),
    });
    // J: hotline, closed on time, handled on time, the caller unreachable: no satisfaction judgement.
    await insertCase(trx, {
      grid: 'G1', channel: 'hotline', state: 'closed', reported: at('2025-03-02T09:00:00'), accepted: at('2025-03-02T09:00:00'),
      registered: at('2025-03-02T10:00:00'), dispatched: at('2025-03-02T11:00:00'), handled: at('2025-03-03T10:00:00'),
      closed: at('2025-03-04T10:00:00'), department: 0, handledOnTime: true, closedOnTime: true, callbackAnswer: 'unreachable',
    });
    // K: merged into another: reported (intake) only.
    await insertCase(trx, { grid: 'G2', channel: 'resident', state: 'merged', reported: at('2025-03-03T10:00:00') });
    // T1, T2: reported now (today), deadlines ahead.
    const ahead = new Date(now.getTime() + 3_600_000);
    await insertCase(trx, { grid: 'G1', channel: 'sensor', state: 'reported', reported: now, stage: 'accept', stageDeadline: ahead });
    await insertCase(trx, {
      grid: 'G4', channel: 'hotline', state: 'accepted', reported: now, accepted: now, stage: 'confirm', stageDeadline: ahead,
    });
    // O1–O3: deadlines passed in this hour, in an earlier hour, on an earlier day (each bin the dashboard reads);
    // O4: a deadline ahead. All reported long before the period.
    const registered = (grid: 'G2' | 'G4', deadline: Date): CaseSpec => ({
      grid, channel: 'resident', state: 'registered', reported: longAgo, accepted: longAgo, registered: longAgo, stage: 'dispatch',
      stageDeadline: deadline,
    });
    await insertCase(trx, registered('G2', new Date(Math.max(hourBin.getTime(), now.getTime() - 30_000))));
    await insertCase(trx, registered('G2', new Date(hourBin.getTime() - 1)));
    await insertCase(trx, registered('G2', new Date(dayBin.getTime() - 1)));
    await insertCase(trx, registered('G4', new Date(now.getTime() + 86_400_000)));
  });
});

describe('the summary against a hand-computed fixture', () => {
  it('counts the tiles, the eight indicators and the children of the city', async () => {
    const s = await get<Summary>('leader', `/api/command/summary?jurisdiction=${city.nodes.city.id}&from=${P.from}&to=${P.to}`);
    expect(s.period).toEqual(P);
    expect(s.node).toMatchObject({ id: city.nodes.city.id, level: 'city', code: city.nodes.city.code });
    expect(s.ancestors).toEqual([]);
    // Reported today: T1 (sensor) and T2 (hotline).
    expect(s.tiles.intakeToday).toEqual({
      total: 2,
      byChannel: { resident: 0, grid_patrol: 0, hotline: 1, law_enforcement: 0, sensor: 1, api: 0 },
    });
    // Open: C, D, G, H, I, T1, T2, O1–O4. Overdue: C, G, I, O1, O2, O3 (H is parked, D, T1, T2 and O4 are ahead).
    expect(s.tiles.open).toBe(11);
    expect(s.tiles.overdue).toBe(6);
    const ind = s.indicators;
    // Accepted in March: A, B, C, D, F, J (E voided, K merged, G in April, H in February, I never); registered: all but F.
    expect(rate(ind, 'registration_rate')).toEqual([5, 6]);
    // Registered in March: A, B, C, D, J (E voided). Dispatched: A, B, C, J. Closed: A, B, J; on time: A, J.
    expect(rate(ind, 'dispatch_rate')).toEqual([4, 5]);
    expect(rate(ind, 'closure_rate')).toEqual([3, 5]);
    expect(rate(ind, 'on_time_closure_rate')).toEqual([2, 5]);
    // Handled within the limit among the dispatched: A, J (B late, C not yet).
    expect(rate(ind, 'on_time_handling_rate')).toEqual([2, 4]);
    expect(rate(ind, 'rework_rate')).toEqual([1, 5]);
    expect(rate(ind, 'extension_rate')).toEqual([1, 5]);
    // A: rating 5 and a satisfied callback (2 of 2); B: rating 2 (0 of 1); J: unreachable (no judgement).
    expect(rate(ind, 'satisfaction_rate')).toEqual([2, 3]);
    expect(ind.find((i) => i.key === 'registration_rate')!.value).toBeCloseTo(5 / 6, 12);
    expect(s.tiles.onTimeClosureRate).toEqual({ key: 'on_time_closure_rate', numerator: 2, denominator: 5, value: 0.4 });
    expect(s.tiles.satisfactionRate.value).toBeCloseTo(2 / 3, 12);

    expect(s.children.map((c) => c.node.code)).toEqual([city.nodes.D1.code, city.nodes.D2.code]);
    const [d1, d2] = s.children;
    // D1 (G1–G3): open C, D, I, T1, O1–O3; overdue C, I, O1–O3; reported in March: A, B, C, D, E, F, I, J, K.
    expect(d1).toMatchObject({ open: 7, overdue: 5, intake: 9 });
    // D2 (G4): open G, H, T2, O4; overdue G; nothing reported in March.
    expect(d2).toMatchObject({ open: 4, overdue: 1, intake: 0 });
    expect(rate(d1!.indicators, 'registration_rate')).toEqual([5, 6]);
    expect(d2!.indicators.every((i) => i.denominator === 0 && i.value === null)).toBe(true);
  });

  it('agrees with the case list for the same filters', async () => {
    const c = city.nodes.city.id;
    const d1 = city.nodes.D1.id;
    expect(await listTotal('leader', `jurisdiction=${c}&OPEN`)).toBe(11);
    expect(await listTotal('leader', `jurisdiction=${c}&OPEN&light=red`)).toBe(6);
    expect(await listTotal('leader', `jurisdiction=${d1}&OPEN&light=red`)).toBe(5);
    const start = new Date(`${todayShanghai(now)}T00:00:00+08:00`);
    const end = new Date(start.getTime() + 86_400_000);
    const today = `from=${start.toISOString()}&to=${end.toISOString()}`;
    expect(await listTotal('leader', `jurisdiction=${c}&${today}&channel=sensor`)).toBe(1);
    expect(await listTotal('leader', `jurisdiction=${c}&${today}&channel=hotline`)).toBe(1);
    const march = `from=${at('2025-03-01T00:00:00').toISOString()}&to=${at('2025-04-01T00:00:00').toISOString()}`;
    expect(await listTotal('leader', `jurisdiction=${d1}&${march}`)).toBe(9);
  });

  it('reads the same after a fold and after a rebuild, and the same as the naive sums', async () => {
    const url = `/api/command/summary?jurisdiction=${city.nodes.city.id}&from=${P.from}&to=${P.to}`;
    const before = await get<Summary>('leader', url);
    const naive = await env.ctx.command.naiveSummary(city.users.leader.caller, { jurisdictionId: city.nodes.city.id, ...P });
    expect({ ...naive, asOf: '' }).toEqual({ ...before, asOf: '' });
    expect((await foldRollups(env.db)).ran).toBe(true);
    expect({ ...(await get<Summary>('leader', url)), asOf: '' }).toEqual({ ...before, asOf: '' });
    await rebuildRollups(env.db);
    expect({ ...(await get<Summary>('leader', url)), asOf: '' }).toEqual({ ...before, asOf: '' });
  });

  it('rebuilds the rollups for another time zone, whose days start elsewhere', async () => {
    const newYork = new CommandService(env.db, 'America/New_York', () => env.clock.now());
    const q = { jurisdictionId: city.nodes.city.id, ...P };
    try {
      expect(await newYork.init()).toBe(true);
      const rolled = await newYork.summary(city.users.leader.caller, q);
      expect({ ...rolled, asOf: '' }).toEqual({ ...(await newYork.naiveSummary(city.users.leader.caller, q)), asOf: '' });
      // I, reported at 00:00 on 1 March in Shanghai, was reported on 28 February in New York.
      expect(rolled.children[0]!.intake).toBe(8);
    } finally {
      await syncTimezone(env.db, env.ctx.config.timezone);
    }
    const back = await get<Summary>('leader', `/api/command/summary?jurisdiction=${city.nodes.city.id}&from=${P.from}&to=${P.to}`);
    expect(back.children[0]!.intake).toBe(9);
  });

  it('draws the trend per day of the period', async () => {
    const t = await get<{ days: Array<{ date: string; intake: number; registered: number; closed: number }> }>(
      'leader',
      `/api/command/trend?jurisdiction=${city.nodes.city.id}&from=${P.from}&to=${P.to}`,
    );
    expect(t.days).toHaveLength(31);
    const nonZero = (k: 'intake' | 'registered' | 'closed') =>
      Object.fromEntries(t.days.filter((d) => d[k] > 0).map((d) => [d.date.slice(5), d[k]]));
    // I 1st, J 2nd, K 3rd, A 5th, B 10th, C 12th, E 14th, F 20th, D 30th (reported at 20:00 local).
    expect(nonZero('intake')).toEqual({ '03-01': 1, '03-02': 1, '03-03': 1, '03-05': 1, '03-10': 1, '03-12': 1, '03-14': 1, '03-20': 1, '03-30': 1 });
    // E was registered on the 15th but is voided: in no cohort.
    expect(nonZero('registered')).toEqual({ '03-02': 1, '03-05': 1, '03-10': 1, '03-12': 1, '03-31': 1 });
    expect(nonZero('closed')).toEqual({ '03-04': 1, '03-07': 1, '03-11': 1 });
  });

  it('tables the indicators by child, by department and by role', async () => {
    const base = `/api/command/indicators?jurisdiction=${city.nodes.city.id}&from=${P.from}&to=${P.to}`;
    const byChild = await get<IndicatorTable>('leader', `${base}&by=child`);
    expect(byChild.rows.map((r) => [r.key.kind, r.key.id])).toEqual([['node', city.nodes.D1.id], ['node', city.nodes.D2.id]]);
    expect(rate(byChild.rows[0]!.indicators, 'closure_rate')).toEqual([3, 5]);

    // Department 1 holds A, B, C, J (H is department 2's but from February; D has none).
    const byDept = await get<IndicatorTable>('leader', `${base}&by=department`);
    expect(byDept.rows.map((r) => r.key.id)).toEqual([city.departments[0]]);
    const d = byDept.rows[0]!.indicators;
    expect(rate(d, 'registration_rate')).toEqual([4, 4]);
    expect(rate(d, 'closure_rate')).toEqual([3, 4]);
    expect(rate(d, 'on_time_handling_rate')).toEqual([2, 4]);
    expect(rate(d, 'satisfaction_rate')).toEqual([2, 3]);

    const byRole = await get<IndicatorTable>('leader', `${base}&by=role`);
    const role = (id: string) => byRole.rows.find((r) => r.key.id === id)!.indicators;
    expect(byRole.rows.map((r) => r.key.id)).toEqual(['grid_worker', 'intake_clerk', 'shift_lead', 'dispatcher']);
    // Grid workers (inspectors): A (verified), C (reported), D (confirmed), F (refuted).
    expect(rate(role('grid_worker'), 'registration_rate')).toEqual([3, 4]);
    expect(rate(role('grid_worker'), 'dispatch_rate')).toEqual([2, 3]);
    expect(rate(role('grid_worker'), 'satisfaction_rate')).toEqual([2, 2]);
    // Intake clerks: A (hotline intake), D and F (accepted).
    expect(rate(role('intake_clerk'), 'registration_rate')).toEqual([2, 3]);
    expect(rate(role('intake_clerk'), 'closure_rate')).toEqual([1, 2]);
    // Shift leads: A, C, D (registered). Dispatchers: A, C.
    expect(rate(role('shift_lead'), 'registration_rate')).toEqual([3, 3]);
    expect(rate(role('dispatcher'), 'on_time_handling_rate')).toEqual([1, 2]);
  });

  it('exports the table as XLSX headed in the caller’s language', async () => {
    const r = await env.app.inject({
      method: 'GET',
      url: `/api/command/indicators?jurisdiction=${city.nodes.city.id}&by=child&from=${P.from}&to=${P.to}&format=xlsx`,
      headers: { cookie: city.users.leader.session.cookie, 'accept-language': 'zh-TW' },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('指標')!;
    const header = (ws.getRow(2).values as unknown[]).slice(1);
    expect(header.slice(0, 4)).toEqual(['轄區', '立案率', '立案率 分子', '立案率 分母']);
    const d1 = (ws.getRow(3).values as unknown[]).slice(1);
    expect(d1[0]).toBe(`指揮D181`);
    expect(d1.slice(1, 4)).toEqual([5 / 6, 5, 6]);
  });

  it('puts the open cases on the map with their light, and outlines the children', async () => {
    const p = await get<{ points: number[][]; ids: string[]; truncated: boolean }>('leader', `/api/command/points?jurisdiction=${city.nodes.city.id}`);
    expect(p.points).toHaveLength(11);
    expect(p.ids).toHaveLength(11);
    expect(p.truncated).toBe(false);
    const lights = p.points.map((x) => x[2]).sort();
    // Parked H: 3; overdue C, G, I, O1–O3: 2; the rest green (their yellow mark is their deadline here).
    expect(lights).toEqual([0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 3]);
    const shapes = await get<{ type: string; features: Array<{ id: string; properties: Record<string, string>; geometry: { type: string } }> }>(
      'leader',
      `/api/command/shapes?jurisdiction=${city.nodes.S1.id}`,
    );
    expect(shapes.type).toBe('FeatureCollection');
    expect(shapes.features.map((f) => f.properties.code)).toEqual([city.nodes.C1.code, city.nodes.C2.code]);
    expect(shapes.features[0]!.properties).toMatchObject({ id: city.nodes.C1.id, level: 'community', name_en: 'Command C1 81' });
    expect(shapes.features[0]!.geometry.type).toMatch(/Polygon/);
    const none = await get<{ features: unknown[] }>('leader', `/api/command/shapes?jurisdiction=${city.nodes.G1.id}`);
    expect(none.features).toEqual([]);
  });
});

describe('scope', () => {
  it('counts nothing outside a leader placed at a community, and hides the nodes outside it', async () => {
    const s = await get<Summary>('leaderC1', `/api/command/summary?from=${P.from}&to=${P.to}`);
    expect(s.node.id).toBe(city.nodes.C1.id);
    expect(s.ancestors.map((a) => a.id)).toEqual([city.nodes.city.id, city.nodes.D1.id, city.nodes.S1.id]);
    // G1 and G2 only: open C, D, I, T1, O1–O3; overdue C, I, O1–O3; reported today T1 (T2 is in G4).
    expect(s.tiles).toMatchObject({ open: 7, overdue: 5 });
    expect(s.tiles.intakeToday.total).toBe(1);
    // Accepted in March in G1 and G2: A, B, C, D, J (F is in G3), all registered.
    expect(rate(s.indicators, 'registration_rate')).toEqual([5, 5]);
    expect(s.children.map((c) => [c.node.id, c.open, c.overdue])).toEqual([
      [city.nodes.G1.id, 2, 1],
      [city.nodes.G2.id, 5, 4],
    ]);
    const outside: FixtureNode[] = ['city', 'D1', 'S1', 'C2', 'G3', 'D2', 'G4'];
    for (const n of outside) {
      for (const path of ['summary', 'trend', 'points', 'shapes']) {
        const r = await env.app.inject({
          method: 'GET',
          url: `/api/command/${path}?jurisdiction=${city.nodes[n].id}`,
          headers: { cookie: city.users.leaderC1.session.cookie },
        });
        expect(r.statusCode, `${path} ${n}`).toBe(404);
        expect(r.json()).toMatchObject({ code: 'NOT_FOUND', field: 'jurisdiction' });
      }
    }
    const points = await get<{ ids: string[] }>('leaderC1', '/api/command/points');
    expect(points.ids).toHaveLength(7);
  });

  it('lets the command roles in and keeps grid workers and department staff out', async () => {
    for (const u of ['admin', 'shiftlead', 'dispatcher', 'clerk'] as const) {
      await get(u, `/api/command/summary?jurisdiction=${city.nodes.D1.id}`);
    }
    for (const u of ['gw1', 'dept1'] as const) {
      const r = await get<{ code: string }>(u, '/api/command/summary', 403);
      expect(r.code).toBe('FORBIDDEN');
    }
    const anonymous = await env.app.inject({ method: 'GET', url: '/api/command/summary' });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('the API document', () => {
  it('describes the command routes with their response schemas', async () => {
    const r = await env.app.inject({ method: 'GET', url: '/docs/json' });
    expect(r.statusCode).toBe(200);
    const paths = (r.json() as { paths: Record<string, { get?: { responses?: Record<string, unknown> } }> }).paths;
    for (const p of ['summary', 'trend', 'points', 'shapes', 'indicators']) {
      expect(paths[`/api/command/${p}`]?.get?.responses?.['200'], p).toBeDefined();
    }
  });
});

describe('bad requests', () => {
  it('answers 4xx with the field for bad periods, unknown breakdowns and ids', async () => {
    const c = city.nodes.city.id;
    const cases: Array<[string, number, string]> = [
      [`/api/command/summary?jurisdiction=${c}&from=2025-02-30`, 400, 'from'],
      [`/api/command/summary?jurisdiction=${c}&from=yesterday`, 400, 'from'],
      [`/api/command/trend?jurisdiction=${c}&to=2025-13-01`, 400, 'to'],
      [`/api/command/summary?jurisdiction=${c}&from=2025-03-02&to=2025-03-01`, 400, 'from'],
      [`/api/command/summary?jurisdiction=${c}&from=2024-01-01&to=2025-01-01`, 400, 'to'],
      [`/api/command/indicators?jurisdiction=${c}&by=weather`, 400, 'by'],
      [`/api/command/indicators?jurisdiction=${c}`, 400, 'by'],
      [`/api/command/indicators?jurisdiction=${c}&by=child&format=pdf`, 400, 'format'],
      [`/api/command/summary?jurisdiction=not-a-uuid`, 404, 'jurisdiction'],
      [`/api/command/summary?jurisdiction=${newId()}`, 404, 'jurisdiction'],
    ];
    for (const [url, status, field] of cases) {
      const r = await get<{ code: string; field: string }>('leader', url, status);
      expect(r.field, url).toBe(field);
    }
    // 366 days is the longest period: 2024 was a leap year.
    await get('leader', `/api/command/summary?jurisdiction=${c}&from=2024-01-01&to=2024-12-31`);
    const zh = await env.app.inject({
      method: 'GET',
      url: `/api/command/summary?jurisdiction=${c}&from=2025-03-02&to=2025-03-01`,
      headers: { cookie: city.users.leader.session.cookie, 'accept-language': 'zh-CN' },
    });
    expect(zh.json()).toMatchObject({ code: 'PERIOD_INVALID' });
    expect((zh.json() as { message: string }).message).toContain('期间不正确');
  });
});

describe('the on-time columns', () => {
  it('are set when a case is handled and closed, from the running clocks', async () => {
    const deadline = at('2025-05-10T12:00:00');
    const ids = await env.db.run(systemCaller('test'), async (trx) => {
      const handling = (handledOffset: number) =>
        insertCase(trx, {
          grid: 'G1', channel: 'resident', state: 'handling', reported: at('2025-05-01T10:00:00'), stage: 'handle',
          stageDeadline: deadline,
        }).then(async (id) => {
          await sql`update cases set state = 'handled', handled_at = ${new Date(deadline.getTime() + handledOffset)} where id = ${id}`.execute(trx);
          return id;
        });
      const verified = async (closedOffset: number, extendedTo: Date | null) => {
        const id = await insertCase(trx, { grid: 'G1', channel: 'resident', state: 'verified', reported: at('2025-05-01T10:00:00') });
        await sql`insert into case_clock (id, case_id, district_id, stage, base, limit_minutes, started_at, deadline_at)
          values (${newId()}, ${id}, ${city.nodes.D1.id}, 'case', 'natural', 60, ${at('2025-05-01T10:00:00')}, ${deadline})`.execute(trx);
        if (extendedTo) await sql`update cases set extended = true, deadline_at = ${extendedTo} where id = ${id}`.execute(trx);
        await sql`update cases set state = 'closed', closed_at = ${new Date(deadline.getTime() + closedOffset)} where id = ${id}`.execute(trx);
        return id;
      };
      return [
        await handling(-60_000),
        await handling(60_000),
        await verified(-60_000, null),
        await verified(60_000, null),
        await verified(60_000, new Date(deadline.getTime() + 3_600_000)),
      ];
    });
    const flags = await env.db.run(systemCaller('test'), async (trx) => {
      const { rows } = await sql<{ id: string; h: boolean | null; c: boolean | null }>`select id::text as id,
          handled_on_time as h, closed_on_time as c from cases where id = any(${ids}::uuid[])`.execute(trx);
      return ids.map((id) => rows.find((r) => r.id === id)!);
    });
    expect(flags.map((f) => f.h)).toEqual([true, false, null, null, null]);
    expect(flags.map((f) => f.c)).toEqual([null, null, true, false, true]);
  });
});

function todayShanghai(d: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}
