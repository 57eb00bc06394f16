import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemCaller } from '../db/caller.ts';
import { login, type TestEnv, testEnv } from '../testing/context.ts';
import { auditAnchor, auditKey, sealAll, verifyAudit } from './modules/audit/service.ts';

let env: TestEnv;
beforeAll(async () => {
  env = await testEnv();
});

describe('roles and row-level security', () => {
  it('runs requests as an application role that owns no table and cannot bypass RLS', async () => {
    const { app, owner } = env.db.roles;
    const rows = await env.db.runAsOwner('test', async (trx) =>
      (await sql<{ rolname: string; rolbypassrls: boolean; rolsuper: boolean }>`select rolname, rolbypassrls, rolsuper from pg_roles
        where rolname = ${app}`.execute(trx)).rows,
    );
    expect(rows).toEqual([{ rolname: app, rolbypassrls: false, rolsuper: false }]);
    const tables = await env.db.runAsOwner('test', async (trx) =>
      (await sql<{ t: string; owner: string; rls: boolean; force: boolean }>`select c.relname as t, pg_get_userbyid(c.relowner) as owner,
          c.relrowsecurity as rls, c.relforcerowsecurity as force
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'r' and c.relname in ('jurisdiction', 'department', 'audit_log')`.execute(trx)).rows,
    );
    expect(tables).toHaveLength(3);
    for (const t of tables) expect(t).toMatchObject({ owner, rls: true, force: true });
  });

  it('shows no rows to a transaction whose scope was never set', async () => {
    const n = await env.db.admin.transaction().execute(async (trx) => {
      await sql.raw(`set local role "${env.db.roles.app}"`).execute(trx);
      return (await sql<{ n: number }>`select count(*)::int as n from jurisdiction`.execute(trx)).rows[0]!.n;
    });
    expect(n).toBe(0);
  });

  it('lets the public role read only the public view', async () => {
    const { rows } = await env.db.run({ kind: 'public' }, (trx) => sql<{ n: number }>`select count(*)::int as n from public_jurisdiction`.execute(trx));
    expect(rows[0]!.n).toBeGreaterThan(40);
    await expect(env.db.run({ kind: 'public' }, (trx) => sql`select count(*) from app_user`.execute(trx))).rejects.toThrow(/permission denied/);
  });

  it('forbids the application role to change or delete audit rows', async () => {
    await expect(
      env.db.run(systemCaller('test'), (trx) => sql`delete from audit_log where id = (select min(id) from audit_log)`.execute(trx)),
    ).rejects.toThrow(/permission denied|append-only/);
    await expect(
      env.db.run(systemCaller('test'), (trx) => sql`update audit_log set reason = 'x' where id = (select min(id) from audit_log)`.execute(trx)),
    ).rejects.toThrow(/permission denied|sealed|chain fields/);
  });
});

describe('audit chain', () => {
  it('verifies a fresh chain and names the row after one is edited by hand', async () => {
    const key = auditKey(env.ctx.config.dataKey);
    await login(env.app, 'leader');
    await sealAll(env.db, key);
    const ok = await verifyAudit(env.db, key);
    expect(ok.ok, ok.problem ?? '').toBe(true);
    expect(ok.checked).toBeGreaterThan(5);

    const anchor = (await auditAnchor(env.db))!;
    expect(anchor).toMatch(/^\d+:[0-9a-f]{64}$/);
    expect((await verifyAudit(env.db, key, anchor)).ok).toBe(true);

    // Tamper as a database superuser would: bypass the guard trigger and rewrite one sealed row.
    const { victim, original } = await env.db.admin.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      const { rows: before } = await sql<{ id: string; reason: string | null }>`select id::text as id, reason from audit_log
        where chain_seq = 3`.execute(trx);
      await sql`update audit_log set reason = 'edited by hand' where id = ${before[0]!.id}::bigint`.execute(trx);
      return { victim: before[0]!.id, original: before[0]!.reason };
    });
    const bad = await verifyAudit(env.db, key);
    expect(bad.ok).toBe(false);
    expect(bad.problem).toContain(`audit row ${victim}`);
    // Put it back for the other tests in this worker.
    await env.db.admin.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql`update audit_log set reason = ${original} where id = ${victim}::bigint`.execute(trx);
    });
    expect((await verifyAudit(env.db, key)).ok).toBe(true);
  });

  it('detects rows deleted from the tail with an anchor', async () => {
    const key = auditKey(env.ctx.config.dataKey);
    await login(env.app, 'leader');
    await sealAll(env.db, key);
    const anchor = (await auditAnchor(env.db))!;
    const [seq] = anchor.split(':');
    const saved = await env.db.admin.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      // Keep the row as the database's own JSON, so microseconds survive the round trip.
      const { rows } = await sql<{ j: string }>`delete from audit_log where chain_seq = ${seq}::bigint
        returning to_jsonb(audit_log.*)::text as j`.execute(trx);
      return rows[0]!.j;
    });
    expect((await verifyAudit(env.db, key)).ok).toBe(true);
    const cut = await verifyAudit(env.db, key, anchor);
    expect(cut.ok).toBe(false);
    expect(cut.problem).toMatch(/deleted from the tail/);
    await env.db.admin.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql`insert into audit_log overriding system value select * from jsonb_populate_record(null::audit_log, ${saved}::jsonb)`.execute(
        trx,
      );
    });
    expect((await verifyAudit(env.db, key, anchor)).ok).toBe(true);
  });

  it('keeps personal data out of audit rows: login rows name the user by id only', async () => {
    await login(env.app, 'dispatcher');
    const rows = await env.db.runAsOwner('test', async (trx) =>
      (await sql<{ actor: string; object_id: string; reason: string | null }>`select actor, object_id, reason from audit_log
        where action = 'auth.login' order by id desc limit 1`.execute(trx)).rows,
    );
    expect(rows[0]!.object_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(rows)).not.toContain('dispatcher');
  });
});

describe('server basics', () => {
  it('reports health with the database kind and migrations', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', db: env.backend, migrations: expect.any(Number) });
  });

  it('serves OpenAPI JSON listing the contract paths', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys((res.json() as { paths: Record<string, unknown> }).paths);
    for (const p of ['/api/health', '/api/auth/login', '/api/auth/logout', '/api/me', '/api/jurisdictions', '/api/jurisdictions/{id}', '/api/territory/export', '/api/territory/import', '/api/grids/locate']) {
      expect(paths).toContain(p);
    }
  });

  it('exposes Prometheus metrics', async () => {
    await env.app.inject({ method: 'GET', url: '/api/health' });
    const res = await env.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('gridloop_http_requests_total');
  });

  it('sets a content security policy that lets MapLibre workers run', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/api/health' });
    expect(String(res.headers['content-security-policy'])).toContain('worker-src');
    expect(String(res.headers['content-security-policy'])).toContain('blob:');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers unknown API paths with a JSON 404', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/api/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('NOT_FOUND');
  });
});
