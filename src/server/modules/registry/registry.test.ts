import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemCaller } from '../../../db/caller.ts';
import { idChecksum } from '../../../domain/id-number.ts';
import { login, type Session, type TestEnv, testEnv, unique } from '../../../testing/context.ts';
import { multipart } from '../../../testing/uploads.ts';

let env: TestEnv;
const s: Record<string, Session> = {};
/** The grid worker's grid (A), another grid (B), and one only the completeness fixture uses (C). */
const grid: Record<'A' | 'B' | 'C', { id: string; lng: number; lat: number }> = {} as never;
let u = 0;

function idNumber(birth: string, seq: number): string {
  const first17 = `110101${birth.replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
  return first17 + idChecksum(first17);
}

function csv(rows: string[][]): string {
  return rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n');
}

async function upload(who: string, kind: string, name: string, data: Uint8Array, fields: Record<string, string> = {}) {
  const m = multipart({ kind, ...fields }, [{ field: 'file', name, type: 'text/csv', data }]);
  return env.app.inject({ method: 'POST', url: '/api/imports', payload: m.payload, headers: { ...s[who]!.headers, ...m.headers } });
}

async function importAndWait(who: string, kind: string, name: string, data: Uint8Array, fields: Record<string, string> = {}) {
  const r = await upload(who, kind, name, data, fields);
  expect(r.statusCode, r.body).toBe(202);
  const { id } = r.json() as { id: string };
  await env.ctx.registry.wait(id);
  const st = await env.app.inject({ method: 'GET', url: `/api/imports/${id}`, headers: { cookie: s[who]!.cookie } });
  expect(st.statusCode, st.body).toBe(200);
  return { id, status: st.json() as Record<string, number | string | null> };
}

async function asSystem<T>(fn: (trx: Parameters<Parameters<TestEnv['db']['run']>[1]>[0]) => Promise<T>): Promise<T> {
  return env.db.run(systemCaller('test'), fn);
}

beforeAll(async () => {
  env = await testEnv();
  for (const who of ['admin', 'leader', 'gridworker', 'dept']) s[who] = await login(env.app, who);
  const me = await env.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: s.gridworker!.cookie } });
  const gridA = (me.json() as { user: { roles: Array<{ jurisdictionId: string }> } }).user.roles[0]!.jurisdictionId;
  const rows = await asSystem(async (trx) =>
    (
      await sql<{ id: string; lng: number; lat: number }>`select id::text as id, st_x(st_pointonsurface(geom)) as lng,
        st_y(st_pointonsurface(geom)) as lat from jurisdiction where level = 'grid' and valid_to is null
        order by (id = ${gridA}) desc, code limit 40`.execute(trx)
    ).rows,
  );
  grid.A = rows[0]!;
  // Grids far down the list: other test files work in the first ones.
  grid.B = rows[rows.length - 2]!;
  grid.C = rows[rows.length - 1]!;
  u = unique();
  // Buildings first, through the import: the persons' addresses are matched against them.
  const file = csv([
    ['地址', '楼栋名称', '层数', '用途', '经度', '纬度'],
    [`测试路${u}号院1号楼`, '一号楼', '6', '住宅', String(grid.A.lng), String(grid.A.lat)],
    [`测试路${u}号院2号楼`, '二号楼', '18', '住宅', String(grid.B.lng), String(grid.B.lat)],
    [`测试路${u}号院3号楼`, '', '', '', '', ''],
  ]);
  const { status } = await importAndWait('admin', 'buildings', 'buildings.csv', Buffer.from(file, 'utf8'));
  expect(status).toMatchObject({ status: 'done', rowsRead: 3, rowsWritten: 2, rowsRefused: 1 });
});

const GOOD_A = () => idNumber('1980-01-01', 11);
const GOOD_B = () => idNumber('1975-06-30', 22);

describe('import of persons', () => {
  let importId: string;

  it('imports a GBK CSV with Chinese headers: good rows land in their grids, bad rows are reported', async () => {
    const rows = [
      ['人口信息登记表'],
      ['姓名', '身份证号', '性别', '出生日期', '联系电话', '住址', '户号', '人口类型', '关爱类型'],
      [`张三${u}`, GOOD_A(), '男', '1980-01-01', '13812345678', `测试路${u}号院1栋`, `H${u}-1`, '户籍', '独居老人'],
      // Traditional script, a 栋 written 號樓: the same building; a near miss of the address still matches by trigram.
      [`李四${u}`, GOOD_B(), '', '', '139 0000 1111', `測試路${u}號院2號樓甲`, '', '流动人口', ''],
      ['王五', `${GOOD_A().slice(0, 17)}${GOOD_A().endsWith('1') ? '2' : '1'}`, '', '', '', `测试路${u}号院1栋`, '', '', ''],
      ['赵六', idNumber('1990-02-03', 33), '', '', '12345', `测试路${u}号院1栋`, '', '', ''],
      ['钱七', idNumber('1990-02-03', 44), '', '1991-02-03', '', `测试路${u}号院1栋`, '', '', ''],
      ['孙八', idNumber('1990-02-03', 55), '', '', '', `无名路${u}号`, '', '', ''],
      ['张三重复', GOOD_A(), '', '', '', `测试路${u}号院1栋`, '', '', ''],
      [`=HYPERLINK("http://x")${u}`, idNumber('1988-08-08', 66), '', '', '', `测试路${u}号院1栋`, '', '', ''],
      [`<script>alert(1)</script>${u}`, idNumber('1988-08-08', 77), '', '', '', `测试路${u}号院1栋`, '', '', ''],
    ];
    const gbk = iconv.encode(csv(rows), 'gbk');
    const { id, status } = await importAndWait('admin', 'persons', '人口.csv', gbk);
    importId = id;
    expect(status).toMatchObject({ status: 'done', rowsRead: 9, rowsWritten: 4, rowsUpdated: 0, rowsRefused: 5, etaSeconds: null });
    expect(typeof status.rowsPerSecond).toBe('number');
    expect(status.bytesRead).toBe(gbk.length);

    const placed = await asSystem(async (trx) =>
      (await sql<{ name: string; grid: string; phone: string | null; type: string | null }>`select p.name, p.grid_id::text as grid,
        p.phone_masked as phone, r.residence_type as type from person p left join residence r on r.person_id = p.id
        where p.import_id = ${id} order by p.name`.execute(trx)).rows,
    );
    const byName = new Map(placed.map((p) => [p.name, p]));
    expect(byName.get(`张三${u}`)).toMatchObject({ grid: grid.A.id, phone: '138****5678', type: 'registered' });
    expect(byName.get(`李四${u}`)).toMatchObject({ grid: grid.B.id, type: 'floating' });
    // Stored as the text written, never evaluated.
    expect(byName.has(`=HYPERLINK("http://x")${u}`)).toBe(true);
    expect(byName.has(`<script>alert(1)</script>${u}`)).toBe(true);

    const report = await env.app.inject({ method: 'GET', url: `/api/imports/${id}/errors`, headers: { cookie: s.admin!.cookie, 'accept-language': 'zh-Hans' } });
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-type']).toContain('text/csv');
    const lines = report.body.replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines[0]).toBe('行号,列,代码,问题');
    const codes = lines.slice(1).map((l) => l.split(',').slice(0, 3).join(','));
    expect(codes).toEqual([
      '5,身份证号,id_checksum',
      '6,联系电话,phone_invalid',
      '7,出生日期,birth_date_mismatch',
      '8,住址,address_unmatched',
      '9,身份证号,duplicate_in_file',
    ]);
    expect(report.body).toContain('身份证号校验码错误');
  });

  it('skips or updates a person already registered, and a cancelled import restores the data', async () => {
    const header = ['姓名', '身份证号', '联系电话', '住址'];
    const again = csv([header, [`张三${u}`, GOOD_A(), '13700000000', `测试路${u}号院1栋`]]);
    const skip = await importAndWait('admin', 'persons', 'again.csv', Buffer.from(again), { mode: 'skip' });
    expect(skip.status).toMatchObject({ status: 'done', rowsSkipped: 1, rowsWritten: 0, rowsUpdated: 0 });
    const update = await importAndWait('admin', 'persons', 'again.csv', Buffer.from(again), { mode: 'update' });
    expect(update.status).toMatchObject({ status: 'done', rowsUpdated: 1, rowsWritten: 0 });
    const phoneOf = () =>
      asSystem(async (trx) => (await sql<{ m: string }>`select phone_masked as m from person where id_number_index = ${env.ctx.registry.cipher.blindIndex(GOOD_A())}`.execute(trx)).rows[0]?.m);
    expect(await phoneOf()).toBe('137****0000');

    // A file whose first batch updates 张三 and adds people, stopped after that batch.
    const many = [header, [`张三${u}`, GOOD_A(), '13911112222', `测试路${u}号院1栋`]];
    for (let i = 0; i < 9; i++) many.push([`新人${u}-${i}`, idNumber('2000-01-01', 100 + i), '', `测试路${u}号院1栋`]);
    env.ctx.registry.setBatchSize(3);
    let batches = 0;
    env.ctx.registry.afterBatch = (id) => {
      batches++;
      env.ctx.registry.requestCancel(id);
    };
    try {
      const { id, status } = await importAndWait('admin', 'persons', 'many.csv', Buffer.from(csv(many)), { mode: 'update' });
      expect(batches).toBe(1);
      expect(status.status).toBe('cancelled');
      const left = await asSystem(async (trx) => (await sql<{ n: number }>`select count(*)::int as n from person where import_id = ${id}`.execute(trx)).rows[0]!.n);
      expect(left).toBe(0);
      expect(await phoneOf()).toBe('137****0000');
      const cancelAgain = await env.app.inject({ method: 'POST', url: `/api/imports/${id}/cancel`, headers: s.admin!.headers });
      expect(cancelAgain.statusCode).toBe(409);
      expect(cancelAgain.json()).toMatchObject({ code: 'IMPORT_FINISHED' });
    } finally {
      env.ctx.registry.afterBatch = null;
      env.ctx.registry.setBatchSize(2000);
    }
    expect(importId).toBeTruthy();
  });

  it('refuses an empty file and a file missing a required column, naming the field, before writing anything', async () => {
    const empty = await upload('admin', 'persons', 'empty.csv', Buffer.from(''));
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({ code: 'IMPORT_FILE_EMPTY', field: 'file' });
    const headerOnly = await upload('admin', 'persons', 'header.csv', Buffer.from('姓名,身份证号,住址\r\n'));
    expect(headerOnly.json()).toMatchObject({ code: 'IMPORT_FILE_EMPTY' });
    const noName = await upload('admin', 'persons', 'noname.csv', Buffer.from(`身份证号,住址\r\n${GOOD_B()},x\r\n`));
    expect(noName.statusCode).toBe(400);
    expect(noName.json()).toMatchObject({ code: 'IMPORT_COLUMNS_MISSING', field: 'name' });
    const twice = await upload('admin', 'persons', 'twice.csv', Buffer.from(`姓名,身份证号,身份证号码,住址\r\nx,${GOOD_B()},${GOOD_B()},y\r\n`));
    expect(twice.json()).toMatchObject({ code: 'IMPORT_COLUMNS_DUPLICATED', field: 'idNumber' });
    const dept = await upload('dept', 'persons', 'p.csv', Buffer.from('姓名\r\nx\r\n'));
    expect(dept.statusCode).toBe(403);
  });

  it('refuses rows outside the importing grid worker\'s grid', async () => {
    const file = csv([
      ['姓名', '身份证号', '住址', '经度', '纬度'],
      [`网格内${u}`, idNumber('1970-03-03', 301), `测试路${u}号院1栋`, '', ''],
      [`网格外${u}`, idNumber('1970-03-03', 302), `测试路${u}号院2栋`, '', ''],
      // 李四 is registered in grid B: the grid worker learns that much, and cannot overwrite the record.
      [`李四${u}`, GOOD_B(), `测试路${u}号院1栋`, '', ''],
      // No building at this address, but a position in the worker's grid places the person there.
      [`定位${u}`, idNumber('1970-03-03', 303), `临时棚屋${u}`, String(grid.A.lng), String(grid.A.lat)],
    ]);
    const { id, status } = await importAndWait('gridworker', 'persons', 'scope.csv', Buffer.from(file), { mode: 'update' });
    expect(status).toMatchObject({ status: 'done', rowsWritten: 2, rowsUpdated: 0, rowsRefused: 2 });
    const located = await asSystem(async (trx) => (await sql<{ g: string }>`select grid_id::text as g from person where name = ${`定位${u}`}`.execute(trx)).rows[0]?.g);
    expect(located).toBe(grid.A.id);
    const report = await env.app.inject({ method: 'GET', url: `/api/imports/${id}/errors`, headers: { cookie: s.gridworker!.cookie } });
    expect(report.body).toContain('3,住址,outside_scope');
    expect(report.body).toContain('4,身份证号,exists_elsewhere');
  });
});

describe('import of households, places and components', () => {
  it('imports households into matched buildings, places by address or position, and components from an XLSX file', async () => {
    const hh = csv([
      ['户号', '地址', '户别', '联系电话'],
      [`HH${u}-1`, `测试路${u}号院1栋`, '家庭户', '010-12345678'],
      [`HH${u}-1`, `测试路${u}号院1栋`, '', ''],
      [`HH${u}-2`, `无名路${u}号`, '', ''],
    ]);
    const h = await importAndWait('admin', 'households', 'hh.csv', Buffer.from(hh));
    expect(h.status).toMatchObject({ status: 'done', rowsWritten: 1, rowsRefused: 2 });
    const phone = await asSystem(async (trx) => (await sql<{ m: string; g: string }>`select phone_masked as m, grid_id::text as g from household where number = ${`HH${u}-1`}`.execute(trx)).rows[0]);
    expect(phone).toEqual({ m: '010****5678', g: grid.A.id });

    const places = csv([
      ['场所类型', '场所名称', '地址', '经度', '纬度'],
      ['农贸市场', `菜市场${u}`, `测试路${u}号院2栋`, '', ''],
      ['学校', `小学${u}`, '', String(grid.A.lng), String(grid.A.lat)],
      ['火箭发射场', `x${u}`, '', String(grid.A.lng), String(grid.A.lat)],
    ]);
    const p = await importAndWait('admin', 'places', 'places.csv', Buffer.from(places));
    expect(p.status).toMatchObject({ status: 'done', rowsWritten: 2, rowsRefused: 1 });

    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('部件');
    const code = `110101${'0101'}${String(u).padStart(6, '0').slice(-6)}`;
    ws.addRow(['部件编码', '部件名称', '状态', '主管部门', '经度', '纬度']);
    ws.addRow([code, '上水井盖', '破损', '自来水公司', grid.A.lng, grid.A.lat]);
    ws.addRow([code, '重复', '', '', grid.A.lng, grid.A.lat]);
    ws.addRow(['123', '短码', '', '', grid.A.lng, grid.A.lat]);
    const data = new Uint8Array(await wb.xlsx.writeBuffer());
    const c = await importAndWait('admin', 'components', 'parts.xlsx', data);
    expect(c.status).toMatchObject({ status: 'done', rowsWritten: 1, rowsRefused: 2 });
    const found = await env.app.inject({ method: 'GET', url: `/api/components?code=${code}`, headers: { cookie: s.gridworker!.cookie } });
    expect((found.json() as { items: Array<{ status: string; gridId: string }> }).items).toEqual([
      expect.objectContaining({ status: 'damaged', gridId: grid.A.id }),
    ]);
    const d = 0.01;
    const box = [grid.A.lng - d, grid.A.lat - d, grid.A.lng + d, grid.A.lat + d].join(',');
    const map = await env.app.inject({ method: 'GET', url: `/api/map/buildings?bbox=${box}`, headers: { cookie: s.gridworker!.cookie } });
    const fc = map.json() as { truncated: boolean; features: Array<{ properties: { label: string; gridId: string } }> };
    expect(fc.features.map((f) => f.properties.label)).toContain(`测试路${u}号院1号楼`);
    expect(fc.features.every((f) => f.properties.gridId === grid.A.id)).toBe(true);
    const parts = await env.app.inject({ method: 'GET', url: `/api/map/components?bbox=${box}&limit=1`, headers: { cookie: s.gridworker!.cookie } });
    expect((parts.json() as { features: unknown[] }).features).toHaveLength(1);
    const again = await importAndWait('admin', 'components', 'parts.xlsx', data, { mode: 'update' });
    expect(again.status).toMatchObject({ rowsUpdated: 1, rowsWritten: 0 });
  });
});

describe('search, masking, reveal and export', () => {
  it('finds by name across scripts and by ID number, masked, only within scope', async () => {
    const trad = await env.app.inject({ method: 'GET', url: `/api/persons?q=${encodeURIComponent(`張三${u}`)}`, headers: { cookie: s.leader!.cookie } });
    expect(trad.statusCode, trad.body).toBe(200);
    const items = (trad.json() as { items: Array<Record<string, unknown>> }).items;
    expect(items.map((i) => i.name)).toContain(`张三${u}`);
    const hit = items.find((i) => i.name === `张三${u}`)!;
    expect(hit.idNumber).toBe(`110101********${GOOD_A().slice(-4)}`);
    expect(hit.birthDate).toBe('1980-**-**');
    expect(hit.masked).toBe(true);

    const byId = await env.app.inject({ method: 'GET', url: `/api/persons?q=${GOOD_B()}`, headers: { cookie: s.leader!.cookie } });
    expect((byId.json() as { items: Array<{ name: string }> }).items.map((i) => i.name)).toEqual([`李四${u}`]);
    // The grid worker's grid is A: 李四 lives in B.
    const worker = await env.app.inject({ method: 'GET', url: `/api/persons?q=${GOOD_B()}`, headers: { cookie: s.gridworker!.cookie } });
    expect((worker.json() as { items: unknown[] }).items).toEqual([]);
    const workerName = await env.app.inject({ method: 'GET', url: `/api/persons?q=${encodeURIComponent(`李四${u}`)}`, headers: { cookie: s.gridworker!.cookie } });
    expect((workerName.json() as { items: unknown[] }).items).toEqual([]);

    const buildings = await env.app.inject({ method: 'GET', url: `/api/buildings?q=${encodeURIComponent(`测试路${u}号院1号楼`)}`, headers: { cookie: s.gridworker!.cookie } });
    expect((buildings.json() as { items: Array<{ address: string }> }).items[0]?.address).toBe(`测试路${u}号院1号楼`);
  });

  it('reveals a person only to roles allowed to, and audits every reveal', async () => {
    const found = await env.app.inject({ method: 'GET', url: `/api/persons?q=${GOOD_A()}`, headers: { cookie: s.gridworker!.cookie } });
    const id = (found.json() as { items: Array<{ id: string }> }).items[0]!.id;
    const one = await env.app.inject({ method: 'GET', url: `/api/persons/${id}`, headers: { cookie: s.gridworker!.cookie } });
    expect(one.json()).toMatchObject({ masked: true, phone: '137****0000' });
    const denied = await env.app.inject({ method: 'POST', url: `/api/persons/${id}/reveal`, headers: s.gridworker!.headers, payload: { reason: 'home visit' } });
    expect(denied.statusCode).toBe(403);
    const shown = await env.app.inject({ method: 'POST', url: `/api/persons/${id}/reveal`, headers: s.leader!.headers, payload: { reason: 'welfare check' } });
    expect(shown.statusCode, shown.body).toBe(200);
    expect(shown.json()).toMatchObject({ masked: false, idNumber: GOOD_A(), phone: '13700000000', birthDate: '1980-01-01' });
    const audit = await asSystem(async (trx) =>
      (await sql<{ reason: string }>`select reason from audit_log where action = 'person.reveal' and object_id = ${id}`.execute(trx)).rows,
    );
    expect(audit.map((a) => a.reason)).toEqual(['welfare check']);
  });

  it('exports within scope, masked, and audits the export with its row count', async () => {
    const r = await env.app.inject({ method: 'GET', url: '/api/exports/persons?format=csv', headers: { cookie: s.gridworker!.cookie } });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.body).toContain(`张三${u}`);
    expect(r.body).not.toContain(`李四${u}`);
    expect(r.body).not.toContain(GOOD_A());
    // A formula stored as text leaves as text: the spreadsheet will not run it.
    expect(r.body).toContain(`"'=HYPERLINK(""http://x"")${u}"`);
    const rows = r.body.trim().split('\r\n').length - 1;
    const audit = await asSystem(async (trx) =>
      (await sql<{ details: { rows: number; unmasked: boolean } }>`select details from audit_log where action = 'registry.export'
        order by at desc limit 1`.execute(trx)).rows[0],
    );
    expect(audit?.details).toMatchObject({ rows, unmasked: false });
    const clear = await env.app.inject({ method: 'GET', url: '/api/exports/persons?reveal=true&reason=audit', headers: { cookie: s.gridworker!.cookie } });
    expect(clear.statusCode).toBe(403);
    const xlsx = await env.app.inject({ method: 'GET', url: '/api/exports/buildings?format=xlsx', headers: { cookie: s.leader!.cookie } });
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.rawPayload.subarray(0, 2).toString('latin1')).toBe('PK');
  });
});

describe('completeness', () => {
  it('counts buildings with households, households with members and complete persons per grid, as computed by hand', async () => {
    const c = grid.C;
    await asSystem(async (trx) => {
      const place = await sql<{ d: string; path: string }>`select a.id::text as d, g.path::text as path from jurisdiction g
        join jurisdiction a on a.path @> g.path and a.level = 'district' where g.id = ${c.id}`.execute(trx);
      const { d, path } = place.rows[0]!;
      const pt = sql`st_setsrid(st_point(${c.lng}, ${c.lat}), 4326)`;
      const b = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
      for (const [i, id] of b.entries()) {
        await sql`insert into building (id, district_id, grid_id, path, address, address_key, point)
          values (${id}, ${d}, ${c.id}, ${path}::ltree, ${`完整性${u}-${i}`}, ${`完整性${u}-${i}`}, ${pt})`.execute(trx);
      }
      const h = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
      // Households in buildings 0, 0 and 1: building 2 has none.
      for (const [i, id] of h.entries()) {
        await sql`insert into household (id, district_id, grid_id, path, building_id, number)
          values (${id}, ${d}, ${c.id}, ${path}::ltree, ${b[i === 2 ? 1 : 0]!}, ${`C${u}-${i}`})`.execute(trx);
      }
      // Four persons: one complete (registered, household 0), one without phone (floating, household 1),
      // one registered in household 0 without gender, one with no residence at all.
      const persons: Array<[boolean, boolean, string | null, string | null]> = [
        [true, true, 'registered', h[0]!],
        [false, true, 'floating', h[1]!],
        [true, false, 'registered', h[0]!],
        [true, true, null, null],
      ];
      for (const [phone, gender, type, household] of persons) {
        const pid = crypto.randomUUID();
        await sql`insert into person (id, district_id, grid_id, path, name, name_key, id_number_index, phone_index, gender, birth_date)
          values (${pid}, ${d}, ${c.id}, ${path}::ltree, 'x', 'x', ${`idx-${pid}`}, ${phone ? `ph-${pid}` : null},
            ${gender ? 'female' : null}, '1990-01-01')`.execute(trx);
        if (type) {
          await sql`insert into residence (id, district_id, path, person_id, household_id, residence_type)
            values (${crypto.randomUUID()}, ${d}, ${path}::ltree, ${pid}, ${household}, ${type})`.execute(trx);
        }
      }
      await sql`update jurisdiction set estimated_population = 10 where id = ${c.id}`.execute(trx);
    });
    const r = await env.app.inject({ method: 'GET', url: `/api/completeness?jurisdiction=${c.id}`, headers: { cookie: s.leader!.cookie } });
    expect(r.statusCode, r.body).toBe(200);
    expect((r.json() as { items: unknown[] }).items).toEqual([
      expect.objectContaining({
        jurisdictionId: c.id,
        buildings: 3,
        buildingsWithHouseholds: 2,
        households: 3,
        householdsWithMembers: 2,
        persons: 4,
        personsComplete: 1,
        registered: 2,
        floating: 1,
        estimatedPopulation: 10,
      }),
    ]);
    const missing = await env.app.inject({ method: 'GET', url: `/api/completeness/missing?jurisdiction=${c.id}&kind=persons_incomplete`, headers: { cookie: s.leader!.cookie } });
    expect((missing.json() as { items: Array<{ missing: string[] }> }).items.map((i) => i.missing).sort()).toEqual([['gender'], ['phone'], ['residence']]);
    const empty = await env.app.inject({ method: 'GET', url: `/api/completeness/missing?jurisdiction=${c.id}&kind=buildings_without_households`, headers: { cookie: s.leader!.cookie } });
    expect((empty.json() as { items: Array<{ label: string }> }).items.map((i) => i.label)).toEqual([`完整性${u}-2`]);
  });
});
