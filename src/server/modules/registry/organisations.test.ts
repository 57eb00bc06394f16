import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemCaller } from '../../../db/caller.ts';
import { login, type Session, type TestEnv, testEnv, unique } from '../../../testing/context.ts';
import { multipart } from '../../../testing/uploads.ts';

let env: TestEnv;
const s: Record<string, Session> = {};
let u = 0;
/** The grid worker's grid and its community; a community elsewhere. */
const node: Record<'grid' | 'community' | 'other', { id: string; code: string; name: string }> = {} as never;

interface Org {
  id: string;
  kind: string;
  name: string;
  jurisdictionId: string;
  contactName: string | null;
  contactPhone: string | null;
  compounds: string[];
  masked: boolean;
}

function csv(rows: string[][]): string {
  return rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n');
}

async function importFile(kind: string, name: string, data: string, fields: Record<string, string> = {}) {
  const m = multipart({ kind, mode: 'skip', ...fields }, [{ field: 'file', name, type: 'text/csv', data: Buffer.from(data) }]);
  const r = await env.app.inject({ method: 'POST', url: '/api/imports', payload: m.payload, headers: { ...s.admin!.headers, ...m.headers } });
  expect(r.statusCode, r.body).toBe(202);
  const { id } = r.json() as { id: string };
  await env.ctx.registry.wait(id);
  const st = await env.app.inject({ method: 'GET', url: `/api/imports/${id}`, headers: { cookie: s.admin!.cookie } });
  return { id, status: st.json() as Record<string, unknown> };
}

const post = (who: string, payload: Record<string, unknown>) => env.app.inject({ method: 'POST', url: '/api/organisations', headers: s[who]!.headers, payload });

beforeAll(async () => {
  env = await testEnv();
  for (const who of ['admin', 'leader', 'gridworker']) s[who] = await login(env.app, who);
  const me = await env.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: s.gridworker!.cookie } });
  const gridId = (me.json() as { user: { roles: Array<{ jurisdictionId: string }> } }).user.roles[0]!.jurisdictionId;
  const rows = await env.db.run(systemCaller('test'), async (trx) =>
    (
      await sql<{ id: string; code: string; name: string; level: string }>`select j.id::text as id, j.code, j.name_zh_hans as name, j.level
        from jurisdiction j where j.valid_to is null and (j.id = ${gridId} or j.id = (select parent_id from jurisdiction where id = ${gridId})
          or j.id = (select id from jurisdiction where level = 'community' and valid_to is null and code like '11%'
            and id <> (select parent_id from jurisdiction where id = ${gridId}) order by code desc limit 1))`.execute(trx)
    ).rows,
  );
  node.grid = rows.find((r) => r.id === gridId)!;
  node.community = rows.find((r) => r.level === 'community' && r.code === node.grid.code.slice(0, 12))!;
  node.other = rows.find((r) => r.level === 'community' && r.id !== node.community.id)!;
  u = unique();
});

describe('organisations', () => {
  it('lets an administrator register one, masked and audited, and refuses a duplicate, a bad phone and other roles', async () => {
    const created = await post('admin', {
      kind: 'property_company',
      name: `物业公司${u}`,
      jurisdictionId: node.community.id,
      contactName: '王经理',
      contactPhone: '138 1234 5678',
      compounds: ['金茂府 一期', '金茂府 二期', '金茂府 一期'],
    });
    expect(created.statusCode, created.body).toBe(201);
    const org = created.json() as Org;
    expect(org).toMatchObject({ kind: 'property_company', contactPhone: '138****5678', compounds: ['金茂府 一期', '金茂府 二期'], masked: true });
    const audit = await env.db.run(systemCaller('test'), async (trx) =>
      (await sql<{ details: Record<string, unknown> }>`select details from audit_log where action = 'organisation.create' and object_id = ${org.id}`.execute(trx)).rows,
    );
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]!.details)).not.toContain('13812345678');

    const again = await post('admin', { kind: 'property_company', name: ` 物业公司${u} `, jurisdictionId: node.community.id });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'ORGANISATION_EXISTS', field: 'name' });
    const badPhone = await post('admin', { kind: 'partner_unit', name: `单位${u}`, jurisdictionId: node.community.id, contactPhone: '12345' });
    expect(badPhone.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'contactPhone' });
    const badKind = await post('admin', { kind: 'bank', name: `单位${u}`, jurisdictionId: node.community.id });
    expect(badKind.statusCode).toBe(400);
    const nowhere = await post('admin', { kind: 'partner_unit', name: `单位${u}`, jurisdictionId: '00000000-0000-7000-8000-000000000000' });
    expect(nowhere.json()).toMatchObject({ code: 'JURISDICTION_NOT_FOUND', field: 'jurisdictionId' });
    expect((await post('leader', { kind: 'partner_unit', name: `单位${u}`, jurisdictionId: node.community.id })).statusCode).toBe(403);
    expect((await post('gridworker', { kind: 'partner_unit', name: `单位${u}`, jurisdictionId: node.community.id })).statusCode).toBe(403);
  });

  it('lists by name and kind in pages, within scope: a grid worker sees its community\'s, not another\'s', async () => {
    for (const [i, where] of [node.community, node.community, node.other].entries()) {
      const r = await post('admin', { kind: 'social_organization', name: `志愿者协会${u}-${i}`, jurisdictionId: where.id });
      expect(r.statusCode, r.body).toBe(201);
    }
    const list = (who: string, query: string) => env.app.inject({ method: 'GET', url: `/api/organisations?${query}`, headers: { cookie: s[who]!.cookie } });
    const first = await list('leader', `q=${encodeURIComponent(`志願者協會${u}`)}&kind=social_organization&limit=2`);
    expect(first.statusCode, first.body).toBe(200);
    const p1 = first.json() as { items: Org[]; next: string | null };
    expect(p1.items.map((o) => o.name)).toEqual([`志愿者协会${u}-0`, `志愿者协会${u}-1`]);
    expect(p1.next).not.toBeNull();
    const p2 = (await list('leader', `q=${encodeURIComponent(`志愿者协会${u}`)}&kind=social_organization&limit=2&cursor=${p1.next}`)).json() as {
      items: Org[];
      next: string | null;
    };
    expect(p2).toEqual({ items: [expect.objectContaining({ name: `志愿者协会${u}-2` })], next: null });
    const worker = (await list('gridworker', `q=${encodeURIComponent(`志愿者协会${u}`)}`)).json() as { items: Org[] };
    expect(worker.items.map((o) => o.name)).toEqual([`志愿者协会${u}-0`, `志愿者协会${u}-1`]);
    expect((await list('leader', 'cursor=nonsense')).json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'cursor' });
  });

  it('changes one field at a time, audits the field names only, and reveals the contact to those allowed, audited', async () => {
    const created = (await post('admin', { kind: 'owners_committee', name: `业委会${u}`, jurisdictionId: node.grid.id, contactPhone: '13900001111' })).json() as Org;
    const patch = (who: string, payload: Record<string, unknown>) =>
      env.app.inject({ method: 'PATCH', url: `/api/organisations/${created.id}`, headers: s[who]!.headers, payload });
    const renamed = await patch('admin', { name: `业主委员会${u}`, contactPhone: null });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ name: `业主委员会${u}`, contactPhone: null, kind: 'owners_committee' });
    await post('admin', { kind: 'owners_committee', name: `另一业委会${u}`, jurisdictionId: node.grid.id });
    expect((await patch('admin', { name: `另一业委会${u}` })).json()).toMatchObject({ code: 'ORGANISATION_EXISTS' });
    expect((await patch('gridworker', { name: 'x' })).statusCode).toBe(403);
    const withPhone = await patch('admin', { contactPhone: '13900002222' });
    expect(withPhone.json()).toMatchObject({ contactPhone: '139****2222' });

    const reveal = (who: string) =>
      env.app.inject({ method: 'POST', url: `/api/organisations/${created.id}/reveal`, headers: s[who]!.headers, payload: { reason: 'calling the committee' } });
    expect((await reveal('gridworker')).statusCode).toBe(403);
    const shown = await reveal('leader');
    expect(shown.json()).toMatchObject({ contactPhone: '13900002222', masked: false });
    const audit = await env.db.run(systemCaller('test'), async (trx) =>
      (
        await sql<{ action: string; reason: string | null; details: { fields: string[] } }>`select action, reason, details from audit_log
          where object_id = ${created.id} and action in ('organisation.update', 'organisation.reveal') order by at, id`.execute(trx)
      ).rows,
    );
    expect(audit.map((a) => a.action)).toEqual(['organisation.update', 'organisation.update', 'organisation.reveal']);
    expect(audit[0]!.details.fields.sort()).toEqual(['contactPhone', 'name']);
    expect(audit[2]!.reason).toBe('calling the committee');
    expect(JSON.stringify(audit)).not.toContain('13900002222');
    const gone = await env.app.inject({ method: 'GET', url: '/api/organisations/00000000-0000-7000-8000-000000000000', headers: { cookie: s.leader!.cookie } });
    expect(gone.json()).toMatchObject({ code: 'ORGANISATION_NOT_FOUND' });
  });

  it('imports organisations with Chinese headers, refuses bad rows with the reason, and exports them masked to read back', async () => {
    const file = csv([
      ['组织类型', '单位名称', '所属社区', '联系人', '联系电话', '服务小区'],
      ['物业', `绿城物业${u}`, node.community.name, '李四', '13712345678', '翠湖园、翠湖园二期'],
      ['共建单位', `第一中学${u}`, node.community.code, '', '', ''],
      ['业主委员会', `翠湖园业委会${u}`, '不存在的社区', '', '', ''],
      ['物业', `绿城物业${u}`, node.community.name, '', '', ''],
      ['火箭公司', `x${u}`, node.community.code, '', '', ''],
      ['社会组织', `y${u}`, node.community.code, '', '555', ''],
      ['社会组织', `z${u}`, '', '', '', ''],
    ]);
    const { id, status } = await importFile('organisations', '组织.csv', file);
    expect(status).toMatchObject({ status: 'done', rowsRead: 7, rowsWritten: 2, rowsRefused: 5 });
    const report = await env.app.inject({ method: 'GET', url: `/api/imports/${id}/errors`, headers: { cookie: s.admin!.cookie, 'accept-language': 'en' } });
    const lines = report.body.replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual([
      '4,所属社区,jurisdiction_unknown',
      '5,单位名称,duplicate_in_file',
      '6,组织类型,unknown_value',
      '7,联系电话,phone_invalid',
      '8,所属社区,required',
    ]);
    const found = (await env.app.inject({ method: 'GET', url: `/api/organisations?q=${encodeURIComponent(`绿城物业${u}`)}`, headers: { cookie: s.leader!.cookie } })).json() as {
      items: Org[];
    };
    expect(found.items).toEqual([
      expect.objectContaining({ kind: 'property_company', jurisdictionId: node.community.id, contactPhone: '137****5678', compounds: ['翠湖园', '翠湖园二期'] }),
    ]);

    const exported = await env.app.inject({ method: 'GET', url: '/api/exports/organisations', headers: { cookie: s.leader!.cookie } });
    expect(exported.statusCode).toBe(200);
    const text = exported.body.replace(/^\ufeff/, '');
    expect(text.split('\r\n')[0]).toBe('id,kind,name,jurisdiction,contactName,contactPhone,compounds,address');
    expect(text).toContain(`property_company,绿城物业${u},${node.community.code},李四,137****5678,翠湖园、翠湖园二期,`);
    expect(text).not.toContain('13712345678');
    // The file reads back (its masked phones left out by a column mapping): every organisation is already there.
    const back = await importFile('organisations', 'organisations.csv', text, { mapping: JSON.stringify({ contactPhone: '' }) });
    expect(back.status).toMatchObject({ status: 'done', rowsWritten: 0, rowsRefused: 0 });
    expect(back.status.rowsSkipped).toBe(back.status.rowsRead);
  });
});
