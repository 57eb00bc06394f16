import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemCaller } from '../../../db/caller.ts';
import { login, type TestEnv, testEnv, unique } from '../../../testing/context.ts';
import { TEST_PASSWORD } from '../../../testing/fixtures.ts';

let env: TestEnv;
beforeAll(async () => {
  env = await testEnv();
});

describe('login and sessions', () => {
  it('logs in every demo account and answers /api/me with its roles', async () => {
    for (const [username, role] of [
      ['admin', 'admin'],
      ['leader', 'leader'],
      ['shiftlead', 'shift_lead'],
      ['dispatcher', 'dispatcher'],
      ['clerk', 'intake_clerk'],
      ['gridworker', 'grid_worker'],
      ['dept', 'department_staff'],
    ] as const) {
      const s = await login(env.app, username);
      const me = await env.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: s.cookie } });
      expect(me.statusCode).toBe(200);
      const body = me.json() as { user: { username: string; roles: Array<{ role: string }> }; csrfToken: string };
      expect(body.user.username).toBe(username);
      expect(body.user.roles.map((r) => r.role)).toContain(role);
      expect(body.csrfToken).toBe(s.csrf);
    }
  });

  it('sets an httpOnly SameSite cookie and never returns the password hash', async () => {
    const res = await env.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: TEST_PASSWORD } });
    const c = res.cookies.find((x) => x.name === 'gl_session');
    expect(c?.httpOnly).toBe(true);
    expect(String(c?.sameSite).toLowerCase()).toBe('lax');
    expect(res.body).not.toMatch(/scrypt|password/i);
  });

  it('refuses a wrong password with INVALID_CREDENTIALS in the caller language', async () => {
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'accept-language': 'zh-TW' },
      payload: { username: 'leader', password: 'wrong-password' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'INVALID_CREDENTIALS', message: '使用者名稱或密碼錯誤。' });
  });

  it('answers 401 UNAUTHENTICATED to /api/me without a session', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/api/me' });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('UNAUTHENTICATED');
  });

  it('locks an account after five failures, even for the right password, and audits it', async () => {
    const username = `locky${unique()}`;
    await env.ctx.identity.createUser(systemCaller('test'), {
      username,
      password: 'right-password-1',
      role: 'intake_clerk',
      jurisdictionCode: '110101',
    });
    for (let i = 0; i < 5; i++) {
      const r = await env.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'nope-nope' } });
      expect(r.statusCode).toBe(401);
    }
    const r = await env.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'right-password-1' } });
    expect(r.statusCode).toBe(423);
    expect(r.json().code).toBe('ACCOUNT_LOCKED');
    const audits = await env.db.runAsOwner('test', async (trx) =>
      (await sql<{ n: number }>`select count(*)::int as n from audit_log a join app_user u on a.object_id = u.id::text
        where u.username = ${username} and a.action = 'auth.locked'`.execute(trx)).rows[0]!.n,
    );
    expect(audits).toBe(1);
  });

  it('rejects a validation error with the field named', async () => {
    const res = await env.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'password' });
  });

  it('ends the session on logout', async () => {
    const s = await login(env.app, 'clerk');
    const out = await env.app.inject({ method: 'POST', url: '/api/auth/logout', headers: s.headers });
    expect(out.statusCode).toBe(204);
    const me = await env.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: s.cookie } });
    expect(me.statusCode).toBe(401);
  });
});

describe('CSRF', () => {
  it('refuses a cookie-authenticated write without the CSRF token', async () => {
    const s = await login(env.app, 'admin');
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { cookie: s.cookie },
      payload: { name: 'x', scopes: ['read'] },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('CSRF_TOKEN_INVALID');
  });

  it('refuses a login posted from another origin', async () => {
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { origin: 'https://evil.example', host: 'localhost:80' },
      payload: { username: 'admin', password: TEST_PASSWORD },
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('API tokens', () => {
  it('creates a token shown once, authenticates with it, and stops after revocation', async () => {
    const s = await login(env.app, 'dispatcher');
    const created = await env.app.inject({ method: 'POST', url: '/api/tokens', headers: s.headers, payload: { name: 'sensor', scopes: ['read'] } });
    expect(created.statusCode).toBe(201);
    const { token, id } = created.json() as { token: string; id: string };
    expect(token).toMatch(/^gl_[A-Za-z0-9_-]{43}$/);
    const list = await env.app.inject({ method: 'GET', url: '/api/tokens', headers: s.headers });
    expect(list.body).not.toContain(token);
    const stored = await env.db.runAsOwner('test', async (trx) =>
      (await sql<{ h: string }>`select token_hash as h from api_token where id = ${id}`.execute(trx)).rows[0]!.h,
    );
    expect(stored).not.toContain(token);
    const me = await env.app.inject({ method: 'GET', url: '/api/jurisdictions?limit=5', headers: { authorization: `Bearer ${token}` } });
    expect(me.statusCode).toBe(200);
    const del = await env.app.inject({ method: 'DELETE', url: `/api/tokens/${id}`, headers: s.headers });
    expect(del.statusCode).toBe(204);
    const after = await env.app.inject({ method: 'GET', url: '/api/jurisdictions?limit=5', headers: { authorization: `Bearer ${token}` } });
    expect(after.statusCode).toBe(401);
  });

  it('limits a token to its capability scopes', async () => {
    const created = await env.ctx.identity.createToken(systemCaller('test'), { username: 'admin', name: 'ro', scopes: ['read'] });
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/territory/import',
      headers: { authorization: `Bearer ${created.token}` },
      payload: { type: 'FeatureCollection', features: [] },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('TOKEN_SCOPE_MISSING');
  });

  it('refuses an unknown bearer token', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer gl_${'x'.repeat(43)}` } });
    expect(res.statusCode).toBe(401);
  });
});

describe('users', () => {
  it('lets an admin create a user in scope and refuses other roles', async () => {
    const admin = await login(env.app, 'admin');
    const username = `worker${unique()}`;
    const ok = await env.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin.headers,
      payload: { username, password: 'long-enough-1', role: 'grid_worker', jurisdictionCode: '110101' },
    });
    expect(ok.statusCode).toBe(201);
    const again = await env.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin.headers,
      payload: { username, password: 'long-enough-1', role: 'grid_worker', jurisdictionCode: '110101' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'USERNAME_TAKEN', field: 'username' });
    const clerk = await login(env.app, 'clerk');
    const no = await env.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: clerk.headers,
      payload: { username: `x${unique()}`, password: 'long-enough-1', role: 'grid_worker', jurisdictionCode: '110101' },
    });
    expect(no.statusCode).toBe(403);
  });
});

describe('login rate limit', () => {
  it('answers 429 RATE_LIMITED past the per-minute limit for one address and username', async () => {
    const { buildApp, createContext } = await import('../../app.ts');
    const ctx = createContext({ ...env.ctx.config, loginRatePerMinute: 3 }, env.db, 0);
    const app = await buildApp(ctx);
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody-here', password: 'x' } });
      codes.push(r.statusCode);
    }
    expect(codes).toEqual([401, 401, 401, 429]);
    const other = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'leader', password: TEST_PASSWORD } });
    expect(other.statusCode).toBe(200);
    await app.close();
  });
});
