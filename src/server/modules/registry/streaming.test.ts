import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemCaller } from '../../../db/caller.ts';
import { idChecksum } from '../../../domain/id-number.ts';
import { login, type Session, type TestEnv, testEnv, unique } from '../../../testing/context.ts';
import { multipart } from '../../../testing/uploads.ts';

let env: TestEnv;
const s: Record<string, Session> = {};
let u = 0;
let grid: { id: string; lng: number; lat: number; district: string; path: string };

beforeAll(async () => {
  env = await testEnv();
  for (const who of ['admin', 'leader']) s[who] = await login(env.app, who);
  u = unique();
  grid = await env.db.run(systemCaller('test'), async (trx) =>
    (
      await sql<typeof grid>`select g.id::text as id, st_x(st_pointonsurface(g.geom)) as lng, st_y(st_pointonsurface(g.geom)) as lat,
          d.id::text as district, g.path::text as path
        from jurisdiction g join jurisdiction d on d.path @> g.path and d.level = 'district'
        where g.level = 'grid' and g.valid_to is null and g.code like '11%' order by g.code desc limit 1 offset 3`.execute(trx)
    ).rows[0]!,
  );
});

afterEach(() => {
  env.ctx.registry.pageSize = 2000;
});

describe('streamed exports', () => {
  it('delivers every row of an export once, in id order, across many pages, as CSV and as XLSX', async () => {
    const n = 137;
    await env.db.run(systemCaller('test'), async (trx) => {
      await sql`insert into component (id, district_id, grid_id, path, code, name, point)
        select gen_random_uuid(), ${grid.district}, ${grid.id}, ${grid.path}::ltree,
          '110101' || '0909' || lpad((${u % 1000} * 1000 + i)::text, 6, '0'), 'stream ' || i, st_setsrid(st_point(${grid.lng}, ${grid.lat}), 4326)
        from generate_series(1, ${n}) i`.execute(trx);
    });
    const expected = await env.db.run(systemCaller('test'), async (trx) =>
      (await sql<{ id: string }>`select id::text as id from component order by id`.execute(trx)).rows.map((r) => r.id),
    );
    // Pages of 10: the export crosses dozens of page boundaries.
    env.ctx.registry.pageSize = 10;
    const csv = await env.app.inject({ method: 'GET', url: '/api/exports/components?format=csv', headers: { cookie: s.admin!.cookie } });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines[0]?.split(',')[0]).toBe('id');
    const ids = lines.slice(1).map((l) => l.split(',')[0]);
    expect(ids).toEqual(expected);

    const xlsx = await env.app.inject({ method: 'GET', url: '/api/exports/components?format=xlsx', headers: { cookie: s.admin!.cookie } });
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const xIds: string[] = [];
    ws.eachRow((row, i) => {
      if (i > 1) xIds.push(String(row.getCell(1).value));
    });
    expect(ws.getRow(1).getCell(2).value).toBe('code');
    expect(xIds).toEqual(expected);

    const audit = await env.db.run(systemCaller('test'), async (trx) =>
      (await sql<{ details: { rows: number; complete: boolean } }>`select details from audit_log where action = 'registry.export'
        and details->>'kind' = 'components' order by at desc, id desc limit 2`.execute(trx)).rows,
    );
    expect(audit.map((a) => a.details)).toEqual([
      expect.objectContaining({ rows: expected.length, complete: true }),
      expect.objectContaining({ rows: expected.length, complete: true }),
    ]);
  });

  it('lists every bad row of an import in its error report, with the column and the reason, across pages', async () => {
    const first17 = (seq: number) => `11010119660606${String(seq).padStart(3, '0')}`;
    const good = (seq: number) => first17(seq) + idChecksum(first17(seq));
    const bad = (seq: number) => first17(seq) + (idChecksum(first17(seq)) === '1' ? '2' : '1');
    const rows = [['姓名', '身份证号', '联系电话', '住址', '经度', '纬度']];
    const expected: string[] = [];
    for (let i = 0; i < 30; i++) {
      const line = rows.length + 1;
      const seq = (u % 500) + i;
      if (i % 3 === 0) {
        rows.push([`坏号${u}-${i}`, bad(seq), '', `棚屋${u}`, String(grid.lng), String(grid.lat)]);
        expected.push(`${line},身份证号,id_checksum`);
      } else if (i % 3 === 1) {
        // Two problems in one row: both are listed, and a page never splits them.
        rows.push(['', good(seq), '123', `棚屋${u}`, String(grid.lng), String(grid.lat)]);
        expected.push(`${line},姓名,required`, `${line},联系电话,phone_invalid`);
      } else {
        rows.push([`好人${u}-${i}`, good(seq), '', `棚屋${u}`, String(grid.lng), String(grid.lat)]);
      }
    }
    const data = Buffer.from(rows.map((r) => r.join(',')).join('\r\n'));
    const m = multipart({ kind: 'persons', mode: 'skip' }, [{ field: 'file', name: 'bad.csv', type: 'text/csv', data }]);
    const started = await env.app.inject({ method: 'POST', url: '/api/imports', payload: m.payload, headers: { ...s.admin!.headers, ...m.headers } });
    const { id } = started.json() as { id: string };
    await env.ctx.registry.wait(id);
    // Pages of 3 rows.
    env.ctx.registry.pageSize = 3;
    const report = await env.app.inject({ method: 'GET', url: `/api/imports/${id}/errors`, headers: { cookie: s.admin!.cookie, 'accept-language': 'en' } });
    expect(report.statusCode).toBe(200);
    const lines = report.body.replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines[0]).toBe('row,column,code,problem');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual(expected);
    expect(lines[1]).toContain('ID number check digit is wrong');
    const missing = await env.app.inject({ method: 'GET', url: '/api/imports/00000000-0000-7000-8000-000000000000/errors', headers: { cookie: s.admin!.cookie } });
    expect(missing.statusCode).toBe(404);
  });
});
