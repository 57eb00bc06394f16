import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.ts';
import { type Bulletin, lastCompleteWeek, parseWeek, previousWeek, rank, weekOf } from './bulletin.ts';
import { escapeHtml, localTime, renderBulletinHtml, translator } from './bulletin-html.ts';
import { renderBulletinXlsx } from './bulletin-xlsx.ts';
import { INDICATOR_KEYS, type Indicator } from './indicators.ts';

const names = (s: string) => ({ 'zh-Hant': s, 'zh-Hans': s, en: s });
const indicators = (registered: number, onTime: number, closed: number): Indicator[] =>
  INDICATOR_KEYS.map((key) => {
    if (key === 'on_time_closure_rate') return { key, numerator: onTime, denominator: registered, value: registered ? onTime / registered : null };
    if (key === 'closure_rate') return { key, numerator: closed, denominator: registered, value: registered ? closed / registered : null };
    return { key, numerator: 0, denominator: registered, value: registered ? 0 : null };
  });

describe('ISO weeks', () => {
  it('parses YYYY-Www into Monday to Sunday, across year boundaries', () => {
    expect(parseWeek('2025-W01')).toEqual({ id: '2025-W01', year: 2025, week: 1, from: '2024-12-30', to: '2025-01-05' });
    expect(parseWeek('2020-W53')).toMatchObject({ from: '2020-12-28', to: '2021-01-03' });
    expect(parseWeek('2026-W10')).toMatchObject({ from: '2026-03-02', to: '2026-03-08' });
    expect(weekOf('2021-01-03').id).toBe('2020-W53');
    expect(weekOf('2024-12-30').id).toBe('2025-W01');
    expect(weekOf('2027-01-01').id).toBe('2026-W53');
    expect(previousWeek(parseWeek('2025-W01')).id).toBe('2024-W52');
  });

  it('refuses what is not a week of that year, naming the field', () => {
    for (const w of ['2025-W54', '2021-W53', '2025-W00', '2025W10', '2025-W1', '', '1999-W10', '2025-w10', '２０２５-W10']) {
      let err: unknown;
      try {
        parseWeek(w);
      } catch (e) {
        err = e;
      }
      expect(err, w).toBeInstanceOf(AppError);
      expect((err as AppError).status, w).toBe(400);
      expect((err as AppError).opts.field, w).toBe('week');
    }
  });

  it('takes the last complete week in the city’s zone by default', () => {
    // Monday 2025-03-10 00:30 in Shanghai is still Sunday in UTC: the last complete week is the one that just ended.
    expect(lastCompleteWeek('Asia/Shanghai', new Date('2025-03-09T16:30:00Z')).id).toBe('2025-W10');
    expect(lastCompleteWeek('UTC', new Date('2025-03-09T16:30:00Z')).id).toBe('2025-W09');
  });
});

describe('rankings', () => {
  it('orders by on-time closure rate, then closure rate, then cases, shares ranks on ties and puts empty rows last', () => {
    const rows = [
      { key: { kind: 'node' as const, id: 'a', name: names('A') }, indicators: indicators(10, 5, 9) },
      { key: { kind: 'node' as const, id: 'b', name: names('B') }, indicators: indicators(0, 0, 0) },
      { key: { kind: 'node' as const, id: 'c', name: names('C') }, indicators: indicators(4, 3, 3) },
      { key: { kind: 'node' as const, id: 'd', name: names('D') }, indicators: indicators(10, 5, 9) },
      { key: { kind: 'node' as const, id: 'e', name: names('E') }, indicators: indicators(10, 5, 10) },
    ];
    const ranked = rank(rows, 'en');
    expect(ranked.map((r) => [r.key.id, r.rank, r.registered])).toEqual([
      ['c', 1, 4],
      ['e', 2, 10],
      ['a', 3, 10],
      ['d', 3, 10],
      ['b', 5, 0],
    ]);
  });
});

function bulletin(hostile: string): Bulletin {
  const level = (l: 'district' | 'street' | 'community' | 'grid', count: number) => ({
    level: l,
    count,
    onTime: count,
    medianMinutes: count ? 90 : null,
    p90Minutes: count ? 150 : null,
    onTimeRate: count ? 1 : null,
    stages: count ? [{ stage: 'handle' as const, count, onTime: count, medianMinutes: 90, p90Minutes: 150, onTimeRate: 1 }] : [],
  });
  return {
    asOf: '2025-03-10T02:00:00.000Z',
    node: { id: 'n', level: 'city', code: '110000', name: names(`City ${hostile}`) },
    week: parseWeek('2025-W10'),
    previous: parseWeek('2025-W09'),
    indicators: INDICATOR_KEYS.map((key) => ({
      key,
      current: { key, numerator: 3, denominator: 4, value: 0.75 },
      previous: key === 'rework_rate' ? null : { key, numerator: 1, denominator: 2, value: 0.5 },
    })),
    children: rank([{ key: { kind: 'node', id: 'c1', name: names(hostile) }, indicators: indicators(4, 3, 3) }], 'en'),
    departments: rank([{ key: { kind: 'department', id: 'd1', name: names(`Dept ${hostile}`) }, indicators: indicators(2, 1, 2) }], 'en'),
    attenuation: { current: [level('district', 3), level('street', 0), level('community', 0), level('grid', 2)], previous: [] },
  };
}

describe('the bulletin page', () => {
  const hostile = `<script>alert("x")</script><img src=x onerror='y'>&amp;`;

  it('is one A4 page design with no script, every name escaped, in the caller’s language', () => {
    const html = renderBulletinHtml(bulletin(hostile), 'zh-Hant', 'Asia/Shanghai');
    expect(html).toMatch(/@page \{ size: A4; margin: [^}]+\}/);
    expect(html).toContain('<html lang="zh-Hant">');
    expect(html).not.toMatch(/<script|<img|onerror='/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=&#39;y&#39;&gt;&amp;amp;');
    expect(html).not.toMatch(/<link|src=["']?http|url\(/i);
    for (const word of ['網格化管理週報', '按期結案率', '下級區域排名', '部門排名', '區/縣', '處置', '2025 年第 10 週（2025-03-03 至 2025-03-09）', '數據截至 2025-03-10 10:00']) {
      expect(html).toContain(word);
    }
    // Change in percentage points, and a dash where the previous week has no figure.
    expect(html).toContain('+25.0 個百分點');
    expect(html).toContain('1.5 小時');
    expect(renderBulletinHtml(bulletin(hostile), 'en', 'Asia/Shanghai')).toContain('Weekly bulletin of grid management');
    expect(renderBulletinHtml(bulletin(hostile), 'zh-Hans', 'Asia/Shanghai')).toContain('网格化管理周报');
  });

  it('finds every word it uses in all three languages', () => {
    for (const lang of ['zh-Hant', 'zh-Hans', 'en'] as const) {
      const t = translator(lang);
      const html = renderBulletinHtml(bulletin('x'), lang, 'UTC');
      expect(html, lang).not.toMatch(/>\s*(bulletin|levels|stage|app)\.[a-zA-Z.]+/);
      expect(t('bulletin.weekColumn')).not.toBe('bulletin.weekColumn');
    }
  });

  it('escapes the five characters HTML gives meaning to', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(localTime('2025-12-31T16:30:00Z', 'Asia/Shanghai')).toBe('2026-01-01 00:30');
  });

  it('writes a workbook that holds the same figures, with names as plain text', async () => {
    const b = bulletin('=HYPERLINK("http://x")');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await renderBulletinXlsx(b, 'en')) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Indicators', 'Ranking of child areas', 'Ranking of departments', 'Attenuation along the chain', 'Data']);
    const ind = wb.worksheets[0]!;
    expect(ind.getRow(2).values).toEqual([undefined, 'Registration rate', 'registration_rate', 3, 4, 0.75, 1, 2, 0.5]);
    const child = wb.worksheets[1]!.getRow(2);
    expect(child.getCell(2).value).toBe('=HYPERLINK("http://x")');
    expect(child.getCell(2).formula).toBeUndefined();
    expect(child.getCell(4).value).toBe(4);
    const att = wb.worksheets[3]!;
    expect(att.getRow(2).values).toEqual([undefined, '2025-W10', 'District', 'district', '', 3, 3, 90, 150, 1]);
  });
});
