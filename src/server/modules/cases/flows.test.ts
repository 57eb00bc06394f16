import fc from 'fast-check';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemCaller } from '../../../db/caller.ts';
import { type CaseAction, type Channel, replay } from '../../../domain/workflow.ts';
import { login, type Session, type TestEnv, testEnv } from '../../../testing/context.ts';

let env: TestEnv;
const s: Record<string, Session> = {};
let point: { lat: number; lng: number };
let deptId: string;
let otherGridId: string;

beforeAll(async () => {
  env = await testEnv();
  for (const u of ['clerk', 'gridworker', 'shiftlead', 'dispatcher', 'dept', 'leader', 'admin']) s[u] = await login(env.app, u);
  const me = await env.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: s.gridworker!.cookie } });
  const gridId = (me.json() as { user: { roles: Array<{ jurisdictionId: string }> } }).user.roles[0]!.jurisdictionId;
  const r = await env.db.run(systemCaller('test'), async (trx) => ({
    p: (await sql<{ lat: number; lng: number }>`select st_y(st_pointonsurface(geom)) as lat, st_x(st_pointonsurface(geom)) as lng from jurisdiction where id = ${gridId}`.execute(trx)).rows[0]!,
    d: (await sql<{ id: string }>`select id from department where kind = 'sanitation' limit 1`.execute(trx)).rows[0]!.id,
    g: (await sql<{ id: string }>`select j.id from jurisdiction j join jurisdiction me on me.id = ${gridId}
      where j.level = 'grid' and j.valid_to is null and j.id <> me.id and subpath(j.path, 0, 2) = subpath(me.path, 0, 2) limit 1`.execute(trx)).rows[0]!.id,
  }));
  point = r.p;
  deptId = r.d;
  otherGridId = r.g;
});

async function post(who: string | null, url: string, payload: Record<string, unknown>) {
  return env.app.inject({ method: 'POST', url, headers: who ? s[who]!.headers : {}, payload });
}

function reportBody(extra: Record<string, unknown> = {}) {
  return { categoryCode: 'E0102', lat: point.lat, lng: point.lng, description: 'flows', deviceId: `f-${Math.random()}`, ...extra };
}

describe('intake channels', () => {
  it('opens hotline cases accepted, grid patrol cases confirmed, and sensor cases reported', async () => {
    const hotline = await post('clerk', '/api/reports', reportBody({ channel: 'hotline', reporter: { name: '李四', phone: '13900001111' } }));
    expect(hotline.json()).toMatchObject({ state: 'accepted' });
    const patrol = await post('gridworker', '/api/reports', reportBody({ channel: 'grid_patrol' }));
    expect(patrol.statusCode, patrol.body).toBe(201);
    expect(patrol.json().state).toBe('confirmed');
    const token = await env.ctx.identity.createToken(systemCaller('test'), { username: 'dispatcher', name: 'bin sensor', scopes: ['reports:write'] });
    const sensor = await env.app.inject({ method: 'POST', url: '/api/reports', headers: { authorization: `Bearer ${token.token}` }, payload: reportBody({ channel: 'sensor' }) });
    expect(sensor.statusCode, sensor.body).toBe(201);
    expect(sensor.json().state).toBe('reported');
    const readOnly = await env.ctx.identity.createToken(systemCaller('test'), { username: 'dispatcher', name: 'ro', scopes: ['read'] });
    const refused = await env.app.inject({ method: 'POST', url: '/api/reports', headers: { authorization: `Bearer ${readOnly.token}` }, payload: reportBody() });
    expect(refused.statusCode).toBe(403);
    const wrongChannel = await post('clerk', '/api/reports', reportBody({ channel: 'grid_patrol' }));
    expect(wrongChannel.statusCode).toBe(422);
    expect(wrongChannel.json().field).toBe('channel');
  });

  it('asks the clerk to call hotline callers back after closing, and records the answer', async () => {
    const { caseId } = (await post('clerk', '/api/reports', reportBody({ channel: 'hotline' }))).json() as { caseId: string };
    const steps: Array<[string, string, Record<string, unknown>]> = [
      ['gridworker', 'confirm', { note: 'seen' }],
      ['shiftlead', 'register', { categoryCode: 'E0102', priority: 'normal' }],
      ['dispatcher', 'dispatch', { departmentId: deptId }],
      ['dept', 'start', {}],
    ];
    for (const [who, action, body] of steps) expect((await post(who, `/api/cases/${caseId}/actions/${action}`, body)).statusCode).toBe(200);
    // E0102 requires an after-photo; this category's handle is tested elsewhere with a photo, so waive it here by
    // switching the case to a category that does not require one is not possible mid-flow: send a photo.
    const { multipart, TINY_JPEG } = await import('../../../testing/uploads.ts');
    const m = multipart({ note: 'done' }, [{ field: 'photos', name: 'a.jpg', type: 'image/jpeg', data: TINY_JPEG }]);
    expect((await env.app.inject({ method: 'POST', url: `/api/cases/${caseId}/actions/handle`, headers: { ...s.dept!.headers, ...m.headers }, payload: m.payload })).statusCode).toBe(200);
    await post('gridworker', `/api/cases/${caseId}/actions/verify_pass`, { note: 'ok' });
    const closed = await post('shiftlead', `/api/cases/${caseId}/actions/close`, {});
    expect(closed.json().callbackPending).toBe(true);
    const inbox = await env.app.inject({ method: 'GET', url: '/api/inbox?queue=callbacks&limit=500', headers: { cookie: s.clerk!.cookie } });
    const callbacks = (inbox.json() as { queues: Array<{ name: string; items: Array<{ id: string }> }> }).queues.find((q) => q.name === 'callbacks');
    expect(callbacks?.items.map((i) => i.id)).toContain(caseId);
    const done = await post('clerk', `/api/cases/${caseId}/actions/callback_done`, { callerAnswer: 'satisfied' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().callbackPending).toBe(false);
  });

  it('reroutes within the district, transfers to another district, parks with paused clocks and extends deadlines', async () => {
    const a = (await post('clerk', '/api/reports', reportBody({ channel: 'hotline' }))).json() as { caseId: string };
    const rr = await post('clerk', `/api/cases/${a.caseId}/actions/reroute`, { gridId: otherGridId, reason: 'wrong grid' });
    expect(rr.statusCode, rr.body).toBe(200);
    expect(rr.json().gridId).toBe(otherGridId);
    const c = (await post('clerk', '/api/reports', reportBody({ channel: 'hotline' }))).json() as { caseId: string };
    await post('gridworker', `/api/cases/${c.caseId}/actions/confirm`, { note: 'seen' });
    await post('shiftlead', `/api/cases/${c.caseId}/actions/register`, { categoryCode: 'E0102', priority: 'normal' });
    await post('dispatcher', `/api/cases/${c.caseId}/actions/dispatch`, { departmentId: deptId });
    const ask = await post('dept', `/api/cases/${c.caseId}/actions/request_extension`, { newDeadline: new Date(Date.now() + 10 * 86_400_000).toISOString(), reason: 'parts' });
    expect(ask.statusCode, ask.body).toBe(200);
    const ok = await post('shiftlead', `/api/cases/${c.caseId}/actions/approve_extension`, {});
    expect(ok.statusCode, ok.body).toBe(200);
    expect(new Date(ok.json().deadlineAt).getTime()).toBeGreaterThan(Date.now() + 9 * 86_400_000);
    const park = await post('dept', `/api/cases/${c.caseId}/actions/request_park`, { reason: 'winter', reviewDate: '2030-03-01' });
    expect(park.statusCode, park.body).toBe(200);
    const parked = await post('shiftlead', `/api/cases/${c.caseId}/actions/approve_park`, {});
    expect(parked.json()).toMatchObject({ parked: true, light: null });
    const detail = await env.app.inject({ method: 'GET', url: `/api/cases/${c.caseId}`, headers: { cookie: s.leader!.cookie } });
    expect((detail.json() as { clocks: Array<{ stoppedAt: string | null; paused: boolean }> }).clocks.filter((k) => !k.stoppedAt).every((k) => k.paused)).toBe(true);
    const un = await post('shiftlead', `/api/cases/${c.caseId}/actions/unpark`, {});
    expect(un.json().parked).toBe(false);
  });
});

describe('transfer', () => {
  it('opens a linked accepted case in a neighbouring district outside the shift lead’s own scope', async () => {
    // A city of its own with two districts side by side, each one street, one community and one grid.
    const sq = (x: number, w: number) => ({ type: 'Polygon', coordinates: [[[x, 30], [x + w, 30], [x + w, 30.002], [x, 30.002], [x, 30]]] });
    const f = (code: string, level: string, parentCode: string | null, x: number, w: number) => ({
      type: 'Feature',
      properties: { code, level, name: `T${code}`, parentCode },
      geometry: sq(x, w),
    });
    const features = [f('330100', 'city', null, 120, 0.004)];
    for (const [d, x] of [['330102', 120], ['330105', 120.002]] as const) {
      features.push(f(d, 'district', '330100', x, 0.002), f(`${d}001`, 'street', d, x, 0.002), f(`${d}001001`, 'community', `${d}001`, x, 0.002), f(`${d}001001001`, 'grid', `${d}001001`, x, 0.002));
    }
    const imported = await env.ctx.territory.importGeoJson(systemCaller('test'), { type: 'FeatureCollection', features });
    expect(imported.problems).toEqual([]);
    for (const [u, role] of [['tclerk', 'intake_clerk'], ['tlead', 'shift_lead']] as const) {
      await env.ctx.identity.createUser(systemCaller('test'), { username: `${u}${Date.now() % 100000}`, password: 'transfer-pass', role, jurisdictionCode: '330102' }).then(async (r) => {
        s[u] = await login(env.app, (await env.db.run(systemCaller('test'), async (trx) => (await sql<{ username: string }>`select username from app_user where id = ${r.id}`.execute(trx)).rows[0]!.username)), 'transfer-pass');
      });
    }
    const rep = await post('tclerk', '/api/reports', { categoryCode: 'E0102', lat: 30.001, lng: 120.001, description: 'belongs next door', channel: 'hotline', deviceId: `t-${Math.random()}` });
    expect(rep.statusCode, rep.body).toBe(201);
    const other = await env.db.run(systemCaller('test'), async (trx) => (await sql<{ id: string }>`select id from jurisdiction where code = '330105' and valid_to is null`.execute(trx)).rows[0]!.id);
    const t = await post('tlead', `/api/cases/${rep.json().caseId}/actions/transfer`, { districtId: other, reason: 'other district' });
    expect(t.statusCode, t.body).toBe(200);
    expect(t.json().state).toBe('transferred');
    const linked = await env.app.inject({ method: 'GET', url: `/api/cases/${t.json().linkedCaseId}`, headers: { cookie: s.admin!.cookie } });
    expect(linked.statusCode).toBe(404);
    const byAdmin = await env.db.run(systemCaller('test'), async (trx) =>
      (await sql<{ state: string; districtId: string; linked: string }>`select state, district_id as "districtId", linked_case_id as linked from cases where id = ${t.json().linkedCaseId}`.execute(trx)).rows[0]!,
    );
    expect(byAdmin).toMatchObject({ state: 'accepted', districtId: other, linked: rep.json().caseId });
    // The shift lead still cannot see the other district's case.
    const hidden = await env.app.inject({ method: 'GET', url: `/api/cases/${t.json().linkedCaseId}`, headers: { cookie: s.tlead!.cookie } });
    expect(hidden.statusCode).toBe(404);
  });
});

const ACTIONS: Array<[string, CaseAction, () => Record<string, unknown>]> = [
  ['clerk', 'accept', () => ({ duplicatesReviewed: true })],
  ['clerk', 'reject', () => ({ reason: 'not ours' })],
  ['gridworker', 'confirm', () => ({ note: 'seen' })],
  ['gridworker', 'refute', () => ({ reason: 'nothing there' })],
  ['shiftlead', 'register', () => ({ categoryCode: 'E0102', priority: 'high' })],
  ['dispatcher', 'dispatch', () => ({ departmentId: deptId })],
  ['dept', 'return', () => ({ reason: 'not ours' })],
  ['dept', 'start', () => ({})],
  ['gridworker', 'verify_fail', () => ({ reason: 'still dirty' })],
  ['gridworker', 'verify_pass', () => ({ note: 'clean' })],
  ['shiftlead', 'close', () => ({})],
  ['shiftlead', 'reopen', () => ({ reason: 'again' })],
  ['dept', 'request_park', () => ({ reason: 'wait', reviewDate: '2031-01-01' })],
  ['shiftlead', 'approve_park', () => ({})],
  ['shiftlead', 'unpark', () => ({})],
  ['leader', 'supervise', () => ({ note: 'hurry' })],
  ['shiftlead', 'void', () => ({ reason: 'duplicate' })],
];

describe('invariants under random action sequences (through the service and database)', () => {
  it('keeps one running stage clock per open unparked case, and the timeline replays to the state', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: ACTIONS.length - 1 }), { minLength: 3, maxLength: 14 }), async (picks) => {
        const { caseId } = (await post(null, '/api/reports', reportBody())).json() as { caseId: string };
        // Each pick starts a rotation through the actions until one is allowed, so sequences move the case along.
        let applied = 0;
        for (const i of picks) {
          for (let k = 0; k < ACTIONS.length; k++) {
            const [who, action, body] = ACTIONS[(i + k) % ACTIONS.length]!;
            const r = await post(who, `/api/cases/${caseId}/actions/${action}`, body());
            expect([200, 404, 409, 422]).toContain(r.statusCode);
            if (r.statusCode === 200) {
              applied++;
              break;
            }
          }
        }
        expect(applied).toBeGreaterThan(0);
        const got = (await env.app.inject({ method: 'GET', url: `/api/cases/${caseId}`, headers: { cookie: s.leader!.cookie } })).json() as {
          state: string;
          parked: boolean;
          channel: Channel;
          clocks: Array<{ stage: string; stoppedAt: string | null; paused: boolean }>;
        };
        const open = ['reported', 'accepted', 'confirmed', 'registered', 'dispatched', 'handling', 'handled', 'verified'].includes(got.state);
        const running = got.clocks.filter((k) => k.stage !== 'case' && !k.stoppedAt);
        if (open && !got.parked) expect(running.filter((k) => !k.paused)).toHaveLength(1);
        if (got.parked) expect(running.every((k) => k.paused)).toBe(true);
        if (!open) expect(running).toHaveLength(0);
        const tl = (await env.app.inject({ method: 'GET', url: `/api/cases/${caseId}/timeline`, headers: { cookie: s.leader!.cookie } })).json() as {
          items: Array<{ action: string; role: string; at: string; reason: string | null }>;
        };
        const events = tl.items.slice(1).map((e) => ({ action: e.action as CaseAction, by: e.role as 'system', at: new Date(e.at), input: { reason: e.reason ?? undefined } }));
        const snap = replay(got.channel, events, { gridId: 'g', districtId: 'd', departmentId: null, reporterMayVerify: true, afterPhotoRequired: false });
        expect(snap.state).toBe(got.state);
        expect(snap.parked).toBe(got.parked);
      }),
      { numRuns: 12, seed: 20261126 },
    );
  }, 240_000);
});

describe('public map data and follow-ups', () => {
  it('serves the city outline and the district list to anyone', async () => {
    const o = await env.app.inject({ method: 'GET', url: '/api/territory/outline', headers: { 'accept-language': 'zh-CN' } });
    expect(o.statusCode).toBe(200);
    const fc = o.json() as { features: Array<{ properties: { level: string; name: string } }> };
    expect(fc.features.some((f) => f.properties.level === 'district' && f.properties.name === '东城区')).toBe(true);
    expect(fc.features.some((f) => f.properties.level === 'grid')).toBe(false);
    const d = await env.app.inject({ method: 'GET', url: '/api/territory/districts' });
    expect((d.json() as { items: Array<{ code: string }> }).items.map((x) => x.code)).toContain('110101');
  });

  it('keeps a second patrol report from the same device as its own confirmed case', async () => {
    const deviceId = `patrol-${Math.random()}`;
    const a = await post('gridworker', '/api/reports', reportBody({ channel: 'grid_patrol', deviceId }));
    const b = await post('gridworker', '/api/reports', reportBody({ channel: 'grid_patrol', deviceId }));
    expect(a.statusCode).toBe(201);
    expect(b.statusCode, b.body).toBe(201);
    expect(b.json()).toMatchObject({ state: 'confirmed', merged: false });
  });

  it('lets a merged report follow the case it joined', async () => {
    const deviceId = `follow-${Math.random()}`;
    const first = (await post(null, '/api/reports', reportBody({ deviceId }))).json() as { caseNumber: string };
    const second = (await post(null, '/api/reports', reportBody({ deviceId }))).json() as { trackingCode: string };
    const t = await env.app.inject({ method: 'GET', url: `/api/reports/${second.trackingCode}` });
    expect(t.json()).toMatchObject({ merged: true, mergedInto: { number: first.caseNumber, state: 'reported' } });
  });
});
