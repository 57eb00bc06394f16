/**
 * The bulletin as a workbook: the printed tables (indicators, the two rankings, the attenuation chain) and a long
 * `data` sheet with every numerator, denominator and value, so the figures can be checked and re-used. Cells hold
 * numbers or plain strings, never formulas; rates are fractions shown as percentages.
 */
import ExcelJS from 'exceljs';
import type { Locale } from '../../i18n.ts';
import type { LevelFigures } from './attenuation.ts';
import type { Bulletin, RankedRow } from './bulletin.ts';
import { translator, type Translate } from './bulletin-html.ts';
import { INDICATOR_KEYS, INDICATOR_NAMES, type Indicator } from './indicators.ts';

const PERCENT = '0.0%';

/** Sheet names may not hold []:*?/\ and are at most 31 characters. */
function sheetName(s: string, used: Set<string>): string {
  let name = s.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31).trim() || 'Sheet';
  for (let i = 2; used.has(name); i++) name = `${name.slice(0, 28)} ${i}`;
  used.add(name);
  return name;
}

function header(ws: ExcelJS.Worksheet, labels: string[]): void {
  const row = ws.addRow(labels);
  row.font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: 1 }];
}

const num = (v: number | null | undefined) => (v === null || v === undefined ? null : v);

function rankingSheet(wb: ExcelJS.Workbook, name: string, rows: RankedRow[], t: Translate, lang: Locale): void {
  const ws = wb.addWorksheet(name);
  header(ws, [t('bulletin.rank'), t('bulletin.name'), 'id', t('bulletin.registered'), ...INDICATOR_KEYS.map((k) => INDICATOR_NAMES[k][lang])]);
  for (const r of rows) {
    const row = ws.addRow([r.rank, r.key.name[lang], r.key.id, r.registered, ...INDICATOR_KEYS.map((k) => num(r.indicators.find((i) => i.key === k)?.value))]);
    for (let c = 5; c < 5 + INDICATOR_KEYS.length; c++) row.getCell(c).numFmt = PERCENT;
  }
  ws.getColumn(2).width = 32;
}

function attenuationRows(ws: ExcelJS.Worksheet, week: string, levels: LevelFigures[], t: Translate): void {
  for (const l of levels) {
    for (const s of [{ stage: null, ...l }, ...l.stages]) {
      const row = ws.addRow([
        week,
        t(`levels.${l.level}`),
        l.level,
        s.stage ?? '',
        s.count,
        s.onTime,
        num(s.medianMinutes),
        num(s.p90Minutes),
        num(s.onTimeRate),
      ]);
      row.getCell(9).numFmt = PERCENT;
    }
  }
}

export async function renderBulletinXlsx(b: Bulletin, lang: Locale): Promise<Buffer> {
  const t = translator(lang);
  const wb = new ExcelJS.Workbook();
  wb.creator = t('app.name');
  wb.title = t('bulletin.documentTitle', { name: b.node.name[lang], week: b.week.id });
  const used = new Set<string>();
  const weeks = [
    { label: b.week.id, pick: (i: (typeof b.indicators)[number]) => i.current },
    { label: b.previous.id, pick: (i: (typeof b.indicators)[number]) => i.previous },
  ];

  const ind = wb.addWorksheet(sheetName(t('bulletin.indicators'), used));
  header(ind, [
    t('bulletin.indicator'),
    t('bulletin.key'),
    ...weeks.flatMap((w) => [`${w.label} ${t('bulletin.numerator')}`, `${w.label} ${t('bulletin.denominator')}`, `${w.label} ${t('bulletin.value')}`]),
  ]);
  for (const i of b.indicators) {
    const cells = weeks.flatMap((w) => {
      const x = w.pick(i);
      return [num(x?.numerator), num(x?.denominator), num(x?.value)];
    });
    const row = ind.addRow([INDICATOR_NAMES[i.key][lang], i.key, ...cells]);
    row.getCell(5).numFmt = PERCENT;
    row.getCell(8).numFmt = PERCENT;
  }
  ind.getColumn(1).width = 24;

  rankingSheet(wb, sheetName(t('bulletin.children'), used), b.children, t, lang);
  rankingSheet(wb, sheetName(t('bulletin.departments'), used), b.departments, t, lang);

  const att = wb.addWorksheet(sheetName(t('bulletin.attenuation'), used));
  header(att, [
    t('bulletin.weekColumn'),
    t('bulletin.level'),
    t('bulletin.key'),
    t('bulletin.stages'),
    t('bulletin.runs'),
    t('bulletin.onTimeCount'),
    `${t('bulletin.median')} (min)`,
    `${t('bulletin.p90')} (min)`,
    t('bulletin.onTimeRate'),
  ]);
  attenuationRows(att, b.week.id, b.attenuation.current, t);
  attenuationRows(att, b.previous.id, b.attenuation.previous, t);

  const data = wb.addWorksheet(sheetName(t('bulletin.data'), used));
  header(data, [t('bulletin.section'), t('bulletin.weekColumn'), 'id', t('bulletin.name'), t('bulletin.key'), t('bulletin.numerator'), t('bulletin.denominator'), t('bulletin.value')]);
  const add = (section: string, week: string, id: string, name: string, i: Indicator | null, key: string) => {
    const row = data.addRow([section, week, id, name, key, num(i?.numerator), num(i?.denominator), num(i?.value)]);
    row.getCell(8).numFmt = PERCENT;
  };
  for (const w of weeks) for (const i of b.indicators) add('node', w.label, b.node.id, b.node.name[lang], w.pick(i), i.key);
  for (const [section, rows] of [['child', b.children], ['department', b.departments]] as const) {
    for (const r of rows) for (const i of r.indicators) add(section, b.week.id, r.key.id, r.key.name[lang], i, i.key);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
