import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { login, type TestEnv, testEnv } from '../../../testing/context.ts';
import { multipart, TINY_JPEG } from '../../../testing/uploads.ts';
import { buildFixtureCity, type FixtureCity } from './analysis-fixture.ts';
import { type Bulletin, weekOf } from './bulletin.ts';
import { INDICATOR_KEYS } from './indicators.ts';
import { type IndicatorTable, todayIn } from './service.ts';

const HOSTILE_DISTRICT = `<script>alert("district")</script>`;
const HOSTILE_DEPARTMENT = `<img src=x onerror="alert('dept')"> & Co`;

let env: TestEnv;
let city: FixtureCity;
let week: string;

beforeAll(async () => {
  env = await testEnv();
  city = await buildFixtureCity(env, '63', { district: HOSTILE_DISTRICT, department: HOSTILE_DEPARTMENT });
  const u = city.users;
  const act = (who: keyof typeof u, id: string, action: string, body: Record<string, unknown> = {}) =>
    env.app.inject({ method: 'POST', url: `/api/cases/${id}/actions/${action}`, headers: u[who].session.headers, payload: body });
  const report = async () => {
    const r = await env.app.inject({
      method: 'POST',
      url: '/api/reports',
      payload: { categoryCode: 'E0102', ...city.districts[0].point, description: 'bulletin', deviceId: `b-${Math.random()}` },
    });
    const id = (r.json() as { caseId: string }).caseId;
    await act('clerk', id, 'accept', { duplicatesReviewed: true });
    await act('gridworker', id, 'confirm', { note: 'seen' });
    await act('shiftlead', id, 'register', { categoryCode: 'E0102', priority: 'normal' });
    await act('dispatcher', id, 'dispatch', { departmentId: city.departmentId });
    return id;
  };
  // Three registered cases this week: one closed, one handled, one still with the department.
  const closed = await report();
  const handled = await report();
  await report();
  for (const id of [closed, handled]) {
    await act('dept', id, 'start');
    const m = multipart({ note: 'done' }, [{ field: 'photos', name: 'a.jpg', type: 'image/jpeg', data: TINY_JPEG }]);
    const h = await env.app.inject({ method: 'POST', url: `/api/cases/${id}/actions/handle`, headers: { ...u.dept.session.headers, ...m.headers }, payload: m.payload });
    expect(h.statusCode, h.body).toBe(200);
  }
  await act('gridworker', closed, 'verify_pass', { note: 'ok' });
  expect((await act('shiftlead', closed, 'close')).statusCode).toBe(200);
  week = weekOf(todayIn(env.ctx.config.timezone, env.ctx.command.now())).id;
});

function bulletin(query: string, lang = 'zh-Hant', cookie = city.users.leader.session.cookie) {
  return env.app.inject({ method: 'GET', url: `/api/command/bulletin?${query}`, headers: { cookie, 'accept-language': lang } });
}

async function indicators(by: string, b: Bulletin): Promise<IndicatorTable> {
  const res = await env.app.inject({
    method: 'GET',
    url: `/api/command/indicators?jurisdiction=${b.node.id}&by=${by}&from=${b.week.from}&to=${b.week.to}`,
    headers: { cookie: city.users.leader.session.cookie },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as IndicatorTable;
}

describe('GET /api/command/bulletin', () => {
  it('prints the week on A4 in the caller’s language, with every name escaped and no script', async () => {
    const res = await bulletin(`jurisdiction=${city.cityId}&week=${week}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    const html = res.body;
    expect(html).toContain('<html lang="zh-Hant">');
    expect(html).toMatch(/@page \{ size: A4;/);
    expect(html).not.toMatch(/<script|<img|onerror="/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;district&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(&#39;dept&#39;)&quot;&gt; &amp; Co');
    for (const word of ['網格化管理週報', '考核指標', '下級區域排名', '部門排名', '逐級衰減', '按期結案率']) expect(html).toContain(word);

    const en = await bulletin(`jurisdiction=${city.cityId}&week=${week}`, 'en');
    expect(en.body).toContain('<html lang="en">');
    expect(en.body).toContain('Ranking of departments');
  });

  it('gives the same figures as the indicator tables, as JSON and as XLSX', async () => {
    const res = await bulletin(`jurisdiction=${city.cityId}&week=${week}&format=json`, 'en');
    expect(res.statusCode, res.body).toBe(200);
    const b = res.json() as Bulletin;
    expect(b.week.id).toBe(week);
    const node = await indicators('node', b);
    for (const i of b.indicators) expect(i.current).toEqual(node.rows[0]!.indicators.find((x) => x.key === i.key));
    const registered = b.indicators.find((i) => i.key === 'closure_rate')!.current!;
    expect(registered).toMatchObject({ numerator: 1, denominator: 3 });

    const children = await indicators('child', b);
    expect(b.children.map((r) => r.key.id).sort()).toEqual(children.rows.map((r) => r.key.id).sort());
    expect(b.children[0]).toMatchObject({ rank: 1, registered: 3, key: { id: city.districts[0].id } });
    expect(b.children[1]).toMatchObject({ rank: 2, registered: 0, key: { id: city.districts[1].id } });
    for (const r of b.children) expect(r.indicators).toEqual(children.rows.find((c) => c.key.id === r.key.id)!.indicators);
    const departments = await indicators('department', b);
    expect(b.departments.map((r) => r.key.id)).toEqual(departments.rows.map((r) => r.key.id));
    expect(b.departments.map((r) => r.key.name.en)).toContain(HOSTILE_DEPARTMENT);
    expect(b.attenuation.current.map((l) => l.level)).toEqual(['district', 'street', 'community', 'grid']);
    expect(b.attenuation.current.find((l) => l.level === 'street')!.stages.map((s) => s.stage)).toEqual(['accept', 'handle']);

    const x = await bulletin(`jurisdiction=${city.cityId}&week=${week}&format=xlsx`, 'en');
    expect(x.statusCode).toBe(200);
    expect(x.headers['content-disposition']).toBe(`attachment; filename="bulletin-630100-${week}.xlsx"`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    const sheet = (name: string) => wb.getWorksheet(name)!;
    // Indicators: key in column 2; this week's numerator, denominator and value in 3 to 5.
    for (const i of b.indicators) {
      const row = sheet('Indicators').getRows(2, INDICATOR_KEYS.length)!.find((r) => r.getCell(2).value === i.key)!;
      expect([row.getCell(3).value, row.getCell(4).value, row.getCell(5).value]).toEqual([i.current!.numerator, i.current!.denominator, i.current!.value]);
    }
    const ranking = sheet('Ranking of child areas').getRows(2, b.children.length)!;
    expect(ranking.map((r) => [r.getCell(1).value, r.getCell(2).value, r.getCell(3).value, r.getCell(4).value])).toEqual(
      b.children.map((c) => [c.rank, c.key.name.en, c.key.id, c.registered]),
    );
    const onTime = 4 + INDICATOR_KEYS.indexOf('on_time_closure_rate') + 1;
    expect(ranking.map((r) => r.getCell(onTime).value ?? null)).toEqual(
      b.children.map((c) => c.indicators.find((i) => i.key === 'on_time_closure_rate')!.value),
    );
    // The data sheet holds every numerator and denominator of the rankings.
    const data = sheet('Data').getRows(2, sheet('Data').rowCount - 1)!;
    for (const c of b.children) {
      for (const i of c.indicators) {
        const row = data.find((r) => r.getCell(1).value === 'child' && r.getCell(3).value === c.key.id && r.getCell(5).value === i.key)!;
        expect([row.getCell(6).value, row.getCell(7).value]).toEqual([i.numerator, i.denominator]);
      }
    }
  });

  it('answers 400 with field week for a week that does not exist', async () => {
    for (const w of ['2025-W54', '2021-W53', '2025W10', '2025-W00', 'last']) {
      const res = await bulletin(`jurisdiction=${city.cityId}&week=${encodeURIComponent(w)}`);
      expect(res.statusCode, w).toBe(400);
      expect(res.json().field, w).toBe('week');
    }
    expect((await bulletin(`jurisdiction=${city.cityId}&week=2020-W53&format=json`)).statusCode).toBe(200);
    // Without a week: the last complete one.
    const last = await bulletin(`jurisdiction=${city.cityId}&format=json`);
    expect((last.json() as Bulletin).week.to < todayIn(env.ctx.config.timezone, env.ctx.command.now())).toBe(true);
  });

  it('answers 404 outside the caller’s subtree and 403 to roles without the command center', async () => {
    expect((await bulletin(`jurisdiction=${city.cityId}&week=${week}`, 'en', city.users.leader2.session.cookie)).statusCode).toBe(404);
    const demoLeader = await login(env.app, 'leader');
    expect((await bulletin(`jurisdiction=${city.cityId}&week=${week}`, 'en', demoLeader.cookie)).statusCode).toBe(404);
    expect((await bulletin(`week=${week}`, 'en', city.users.gridworker.session.cookie)).statusCode).toBe(403);
  });
});
