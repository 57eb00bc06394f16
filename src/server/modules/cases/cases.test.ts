import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemCaller } from '../../../db/caller.ts';
import { login, type Session, type TestEnv, testEnv } from '../../../testing/context.ts';
import { jpegWithExif, multipart, TINY_JPEG } from '../../../testing/uploads.ts';
import { sweep } from './sweeper.ts';

let env: TestEnv;
const s: Record<string, Session> = {};
let point: { lat: number; lng: number };
let deptId: string;
let gridId: string;

beforeAll(async () => {
  env = await testEnv();
  for (const u of ['clerk', 'gridworker', 'shiftlead', 'dispatcher', 'dept', 'leader', 'admin']) s[u] = await login(env.app, u);
  const me = await env.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: s.gridworker!.cookie } });
  gridId = (me.json() as { user: { roles: Array<{ jurisdictionId: string }> } }).user.roles[0]!.jurisdictionId;
  const rows = await env.db.run(systemCaller('test'), async (trx) => {
    const p = await sql<{ lat: number; lng: number }>`select st_y(st_pointonsurface(geom)) as lat, st_x(st_pointonsurface(geom)) as lng
      from jurisdiction where id = ${gridId}`.execute(trx);
    const d = await sql<{ id: string }>`select id from department where kind = 'sanitation' limit 1`.execute(trx);
    return { p: p.rows[0]!, d: d.rows[0]!.id };
  });
  point = rows.p;
  deptId = rows.d;
});

async function report(extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return env.app.inject({
    method: 'POST',
    url: '/api/reports',
    headers,
    // A device of its own per report: repeats from one device merge by themselves (tested below).
    payload: { categoryCode: 'E0102', lat: point.lat, lng: point.lng, description: '路邊有暴露垃圾', reporter: { name: '張三', phone: '13812345678' }, deviceId: `dev-${Math.random()}`, ...extra },
  });
}

async function act(who: string, id: string, action: string, body: Record<string, unknown> = {}) {
  return env.app.inject({ method: 'POST', url: `/api/cases/${id}/actions/${action}`, headers: s[who]!.headers, payload: body });
}

describe('the closed loop through the API', () => {
  it('goes round the whole loop: report, accept, confirm, register, dispatch, start, handle, verify, close, rate', async () => {
    const upload = multipart(
      { categoryCode: 'E0102', lat: String(point.lat), lng: String(point.lng), description: 'garbage by the road', anonymous: 'true' },
      [{ field: 'photos', name: 'before.jpg', type: 'image/jpeg', data: jpegWithExif() }],
    );
    const r = await env.app.inject({ method: 'POST', url: '/api/reports', payload: upload.payload, headers: upload.headers });
    expect(r.statusCode, r.body).toBe(201);
    const { caseId, caseNumber, trackingCode } = r.json() as { caseId: string; caseNumber: string; trackingCode: string };
    expect(caseNumber).toMatch(/^110101-\d{4}-\d{6}$/);
    expect(trackingCode).toMatch(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/);

    const inboxClerk = await env.app.inject({ method: 'GET', url: '/api/inbox?queue=to_accept&limit=500', headers: { cookie: s.clerk!.cookie } });
    const toAccept = (inboxClerk.json() as { queues: Array<{ name: string; items: Array<{ id: string }> }> }).queues.find((q) => q.name === 'to_accept');
    expect(toAccept?.items.map((i) => i.id)).toContain(caseId);

    expect((await act('clerk', caseId, 'accept', { duplicatesReviewed: true })).statusCode).toBe(200);
    const confirm = multipart({ note: '現場確認有垃圾' }, [{ field: 'photos', name: 'c.jpg', type: 'image/jpeg', data: TINY_JPEG }]);
    const c = await env.app.inject({ method: 'POST', url: `/api/cases/${caseId}/actions/confirm`, headers: { ...s.gridworker!.headers, ...confirm.headers }, payload: confirm.payload });
    expect(c.statusCode, c.body).toBe(200);
    expect((await act('shiftlead', caseId, 'register', { categoryCode: 'E0102', priority: 'high' })).statusCode).toBe(200);
    const d = await act('dispatcher', caseId, 'dispatch', { departmentId: deptId });
    expect(d.statusCode, d.body).toBe(200);
    expect(d.json().deadlineAt).not.toBeNull();
    expect((await act('dept', caseId, 'start')).statusCode).toBe(200);
    const noPhoto = await act('dept', caseId, 'handle', { note: 'cleaned' });
    expect(noPhoto.statusCode).toBe(422);
    const handle = multipart({ note: '已清運' }, [{ field: 'photos', name: 'after.jpg', type: 'image/jpeg', data: TINY_JPEG }]);
    const h = await env.app.inject({ method: 'POST', url: `/api/cases/${caseId}/actions/handle`, headers: { ...s.dept!.headers, ...handle.headers }, payload: handle.payload });
    expect(h.statusCode, h.body).toBe(200);
    expect((await act('gridworker', caseId, 'verify_pass', { note: 'checked' })).statusCode).toBe(200);
    const closed = await act('shiftlead', caseId, 'close');
    expect(closed.json().state).toBe('closed');

    const track = await env.app.inject({ method: 'GET', url: `/api/reports/${trackingCode}` });
    expect(track.statusCode).toBe(200);
    const t = track.json() as { state: string; actions: string[]; timeline: unknown[]; photos: Array<{ url: string }> };
    expect(t.state).toBe('closed');
    expect(t.actions).toContain('rate');
    expect(JSON.stringify(t)).not.toMatch(/user:|dept|13812345678/);
    const pub = await env.app.inject({ method: 'GET', url: t.photos[0]!.url });
    expect(pub.statusCode).toBe(200);
    expect(pub.rawPayload.includes(Buffer.from('GPSLatitude'))).toBe(false);

    const rate = await env.app.inject({ method: 'POST', url: `/api/reports/${trackingCode}/actions/rate`, payload: { rating: 5, fixed: true } });
    expect(rate.statusCode, rate.body).toBe(200);

    const tl = await env.app.inject({ method: 'GET', url: `/api/cases/${caseId}/timeline`, headers: { cookie: s.leader!.cookie } });
    const actions = (tl.json() as { items: Array<{ action: string }> }).items.map((e) => e.action);
    expect(actions).toEqual(['intake', 'accept', 'confirm', 'register', 'dispatch', 'start', 'handle', 'verify_pass', 'close', 'rate']);
    const audits = await env.db.runAsOwner('test', async (trx) =>
      (await sql<{ n: number }>`select count(*)::int as n from audit_log where object_id = ${caseId}`.execute(trx)).rows[0]!.n,
    );
    expect(audits).toBe(10);
  });

  it('reopens by itself when the reporter rates "not fixed" within a week', async () => {
    const { caseId, trackingCode } = (await report({ description: 'reopen test' })).json() as { caseId: string; trackingCode: string };
    await act('clerk', caseId, 'accept', { duplicatesReviewed: true });
    await act('gridworker', caseId, 'confirm', { note: 'seen' });
    await act('shiftlead', caseId, 'register', { categoryCode: 'E0102', priority: 'normal' });
    await act('dispatcher', caseId, 'dispatch', { departmentId: deptId });
    await act('dept', caseId, 'start');
    const handle = multipart({ note: 'done' }, [{ field: 'photos', name: 'a.jpg', type: 'image/jpeg', data: TINY_JPEG }]);
    await env.app.inject({ method: 'POST', url: `/api/cases/${caseId}/actions/handle`, headers: { ...s.dept!.headers, ...handle.headers }, payload: handle.payload });
    await act('gridworker', caseId, 'verify_pass', { note: 'ok' });
    await act('shiftlead', caseId, 'close');
    const rate = await env.app.inject({ method: 'POST', url: `/api/reports/${trackingCode}/actions/rate`, payload: { rating: 1, fixed: false } });
    expect(rate.json().state).toBe('handling');
    const got = await env.app.inject({ method: 'GET', url: `/api/cases/${caseId}`, headers: { cookie: s.leader!.cookie } });
    expect(got.json().reworkCount).toBe(1);
  });
});

describe('refusals', () => {
  it('answers 409 TRANSITION_NOT_ALLOWED to an action out of order and changes nothing', async () => {
    const { caseId } = (await report({ description: 'out of order' })).json() as { caseId: string };
    const r = await act('shiftlead', caseId, 'close');
    expect(r.statusCode).toBe(409);
    expect(r.json()).toMatchObject({ code: 'TRANSITION_NOT_ALLOWED', field: 'action' });
    const tl = await env.app.inject({ method: 'GET', url: `/api/cases/${caseId}/timeline`, headers: { cookie: s.leader!.cookie } });
    expect((tl.json() as { items: unknown[] }).items).toHaveLength(1);
  });

  it('refuses a role that may not act (a grid worker cannot register)', async () => {
    const { caseId } = (await report({ description: 'wrong role' })).json() as { caseId: string };
    await act('clerk', caseId, 'accept', { duplicatesReviewed: true });
    await act('gridworker', caseId, 'confirm', { note: 'seen' });
    const r = await act('gridworker', caseId, 'register', { categoryCode: 'E0102', priority: 'normal' });
    expect(r.statusCode).toBe(409);
  });

  it('names the missing field of an action', async () => {
    const { caseId } = (await report({ description: 'missing reason' })).json() as { caseId: string };
    const r = await act('clerk', caseId, 'reject');
    expect(r.statusCode).toBe(422);
    expect(r.json()).toMatchObject({ code: 'INVALID_INPUT', field: 'reason' });
  });

  it('refuses an unknown category, a point far away, and a PDF posing as a photo, leaving no trace', async () => {
    const before = await env.db.runAsOwner('test', async (trx) => (await sql<{ n: number }>`select count(*)::int as n from cases`.execute(trx)).rows[0]!.n);
    const unknown = await report({ categoryCode: 'E9999' });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({ code: 'UNKNOWN_CATEGORY', field: 'categoryCode' });
    const far = await report({ lat: 22.5, lng: 114.1 });
    expect(far.statusCode).toBe(422);
    expect(far.json()).toMatchObject({ code: 'OUTSIDE_SERVICE_AREA', field: 'lat' });
    const pdf = multipart(
      { categoryCode: 'E0102', lat: String(point.lat), lng: String(point.lng), description: 'pdf' },
      [{ field: 'photos', name: 'photo.jpg', type: 'image/jpeg', data: new Uint8Array(Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n')) }],
    );
    const p = await env.app.inject({ method: 'POST', url: '/api/reports', payload: pdf.payload, headers: pdf.headers });
    expect(p.statusCode).toBe(415);
    expect(p.json()).toMatchObject({ code: 'PHOTO_NOT_ACCEPTED', field: 'photos' });
    const big = multipart(
      { categoryCode: 'E0102', lat: String(point.lat), lng: String(point.lng), description: 'big' },
      [{ field: 'photos', name: 'big.jpg', type: 'image/jpeg', data: new Uint8Array(11 * 1024 * 1024) }],
    );
    const b = await env.app.inject({ method: 'POST', url: '/api/reports', payload: big.payload, headers: big.headers });
    expect(b.statusCode).toBe(413);
    const after = await env.db.runAsOwner('test', async (trx) => (await sql<{ n: number }>`select count(*)::int as n from cases`.execute(trx)).rows[0]!.n);
    expect(after).toBe(before);
  });

  it('refuses a missing description with the field named', async () => {
    const r = await env.app.inject({ method: 'POST', url: '/api/reports', payload: { categoryCode: 'E0102', lat: point.lat, lng: point.lng } });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'description' });
  });
});

describe('duplicates', () => {
  it('merges a repeat from the same device by itself, and counts the supporter on the primary case', async () => {
    const deviceId = `phone-${Math.random()}`;
    const first = (await report({ description: 'first from device', deviceId })).json() as { caseId: string };
    const second = (await report({ description: 'again from device', deviceId })).json() as { caseId: string; merged: boolean; state: string };
    expect(second).toMatchObject({ merged: true, state: 'merged' });
    const p = await env.app.inject({ method: 'GET', url: `/api/cases/${first.caseId}`, headers: { cookie: s.clerk!.cookie } });
    expect(p.json().supporters).toBe(1);
    // A merged case is no longer offered as a duplicate candidate.
    expect((p.json().duplicateCandidates as Array<{ id: string }>).map((c) => c.id)).not.toContain(second.caseId);
  });

  it('lets the clerk merge a duplicate into a primary case with one action', async () => {
    const a = (await report({ description: 'primary' })).json() as { caseId: string };
    const b = (await report({ description: 'duplicate' })).json() as { caseId: string; duplicateCandidates: number };
    expect(b.duplicateCandidates).toBeGreaterThan(0);
    const m = await act('clerk', b.caseId, 'merge', { primaryCaseId: a.caseId });
    expect(m.statusCode, m.body).toBe(200);
    expect(m.json()).toMatchObject({ state: 'merged', primaryCaseId: a.caseId });
  });
});

describe('idempotency', () => {
  it('returns the first answer to a retry with the same key, and refuses the key with another body', async () => {
    const key = `k-${Date.now()}-${Math.random()}`;
    const deviceId = `d-${key}`;
    const a = await report({ description: 'idempotent', deviceId }, { 'idempotency-key': key });
    const b = await report({ description: 'idempotent', deviceId }, { 'idempotency-key': key });
    expect(a.statusCode).toBe(201);
    expect(b.json().caseId).toBe(a.json().caseId);
    const c = await report({ description: 'something else', deviceId }, { 'idempotency-key': key });
    expect(c.statusCode).toBe(422);
    expect(c.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
    const n = await env.db.runAsOwner('test', async (trx) =>
      (await sql<{ n: number }>`select count(*)::int as n from cases where description = 'idempotent'`.execute(trx)).rows[0]!.n,
    );
    expect(n).toBe(1);
  });

  it('answers concurrent retries with one case', async () => {
    const key = `c-${Date.now()}-${Math.random()}`;
    const all = await Promise.all([1, 2, 3].map(() => report({ description: 'concurrent idempotent', deviceId: key }, { 'idempotency-key': key })));
    expect(new Set(all.map((r) => r.json().caseId)).size).toBe(1);
  });
});

describe('scope, masking and the sweeper', () => {
  it('masks the reporter and audits a reveal', async () => {
    const { caseId } = (await report({ description: 'mask me' })).json() as { caseId: string };
    const got = await env.app.inject({ method: 'GET', url: `/api/cases/${caseId}`, headers: { cookie: s.clerk!.cookie } });
    expect(got.json().reporter).toMatchObject({ phone: '138****5678', masked: true });
    const rev = await env.app.inject({ method: 'POST', url: `/api/cases/${caseId}/reveal-reporter`, headers: s.clerk!.headers, payload: { reason: 'callback' } });
    expect(rev.json().phone).toBe('13812345678');
    const n = await env.db.runAsOwner('test', async (trx) =>
      (await sql<{ n: number }>`select count(*)::int as n from audit_log where object_id = ${caseId} and action = 'case.reveal_reporter'`.execute(trx)).rows[0]!.n,
    );
    expect(n).toBe(1);
  });

  it('keeps department staff to their own department’s cases', async () => {
    const list = await env.app.inject({ method: 'GET', url: '/api/cases?limit=200', headers: { cookie: s.dept!.cookie } });
    const items = (list.json() as { items: Array<{ departmentId: string | null }> }).items;
    expect(items.every((i) => i.departmentId === deptId)).toBe(true);
  });

  it('escalates an overdue case when the clock moves past its limit, and again after another limit length', async () => {
    const { caseId } = (await report({ description: 'escalate me' })).json() as { caseId: string };
    await sweep(env.db, env.ctx.cases);
    let got = await env.app.inject({ method: 'GET', url: `/api/cases/${caseId}`, headers: { cookie: s.leader!.cookie } });
    expect(got.json().escalationLevel).toBe(0);
    env.clock.advance(3 * 24 * 3600_000);
    try {
      await sweep(env.db, env.ctx.cases);
      got = await env.app.inject({ method: 'GET', url: `/api/cases/${caseId}`, headers: { cookie: s.leader!.cookie } });
      expect(got.json().escalationLevel).toBeGreaterThanOrEqual(1);
      expect(got.json().light).toBe('red');
      const overdue = await env.app.inject({ method: 'GET', url: '/api/inbox?queue=escalated&limit=500', headers: { cookie: s.leader!.cookie } });
      const q = (overdue.json() as { queues: Array<{ name: string; items: Array<{ id: string }> }> }).queues;
      expect(q.find((x) => x.name === 'escalated')?.items.map((i) => i.id)).toContain(caseId);
    } finally {
      env.clock.reset();
    }
  });

  it('lists with filters and a total that matches the items', async () => {
    const r = await env.app.inject({ method: 'GET', url: '/api/cases?state=reported&limit=5', headers: { cookie: s.leader!.cookie } });
    const body = r.json() as { items: Array<{ state: string }>; total: number; next: string | null };
    expect(body.items.every((i) => i.state === 'reported')).toBe(true);
    let seen = body.items.length;
    let next = body.next;
    while (next) {
      const page = await env.app.inject({ method: 'GET', url: `/api/cases?state=reported&limit=5&cursor=${next}`, headers: { cookie: s.leader!.cookie } });
      const p = page.json() as { items: unknown[]; next: string | null };
      seen += p.items.length;
      next = p.next;
    }
    expect(seen).toBe(body.total);
  });

  it('serves the category tree in the caller’s language', async () => {
    const r = await env.app.inject({ method: 'GET', url: '/api/categories', headers: { 'accept-language': 'zh-TW' } });
    const items = (r.json() as { items: Array<{ code: string; name: string; children: Array<{ children: Array<{ code: string }> }> }> }).items;
    expect(items.map((i) => i.code)).toEqual(['C', 'E']);
    expect(items[1]!.name).toBe('事件');
    expect(items.flatMap((f) => f.children.flatMap((m) => m.children)).length).toBeGreaterThanOrEqual(40);
  });
});

describe('live updates', () => {
  it('streams case.created and case.changed to staff in scope, and nothing to a grid worker of another grid', async () => {
    const { request } = await import('node:http');
    const address = await env.app.listen({ port: 0, host: '127.0.0.1' });
    const other = await login(env.app, 'admin');
    // A grid worker of some other grid.
    const others = await env.app.inject({ method: 'GET', url: '/api/jurisdictions?level=grid&limit=3', headers: { cookie: other.cookie } });
    const otherGrid = (others.json() as { items: Array<{ id: string; code: string }> }).items.find((g) => g.id !== gridId)!;
    const username = `gw${Date.now() % 100000}`;
    await env.ctx.identity.createUser(systemCaller('test'), { username, password: 'other-grid-1', role: 'grid_worker', jurisdictionCode: otherGrid.code });
    const outsider = await login(env.app, username, 'other-grid-1');
    const listen = (cookie: string) => {
      const seen: string[] = [];
      const req = request(`${address}/api/stream`, { headers: { cookie } }, (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => seen.push(chunk));
      });
      req.end();
      return { seen, close: () => req.destroy() };
    };
    const clerkStream = listen(s.clerk!.cookie);
    const outsiderStream = listen(outsider.cookie);
    try {
      await new Promise((r) => setTimeout(r, 200));
      const { caseId } = (await report({ description: 'live' })).json() as { caseId: string };
      await act('clerk', caseId, 'accept', { duplicatesReviewed: true });
      for (let i = 0; i < 50 && !clerkStream.seen.join('').includes('case.changed'); i++) await new Promise((r) => setTimeout(r, 50));
      const text = clerkStream.seen.join('');
      expect(text).toContain('event: case.created');
      expect(text).toContain(caseId);
      expect(text).toContain('event: case.changed');
      expect(text).not.toMatch(/13812345678|張三/);
      expect(outsiderStream.seen.join('')).not.toContain(caseId);
    } finally {
      clerkStream.close();
      outsiderStream.close();
    }
  });
});
