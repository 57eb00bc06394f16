/** The indicator table as an XLSX workbook, headed in the reader's language; values only, never formulas. */
import ExcelJS from 'exceljs';
import type { Locale } from '../../i18n.ts';
import { INDICATOR_KEYS, INDICATOR_NAMES, SHEET_WORDS } from './indicators.ts';
import type { IndicatorTable } from './service.ts';

export async function indicatorsWorkbook(t: IndicatorTable, locale: Locale): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(SHEET_WORDS.sheet[locale]);
  ws.addRow([t.node.name[locale], `${SHEET_WORDS.period[locale]} ${t.period.from} – ${t.period.to}`, `${SHEET_WORDS.asOf[locale]} ${t.asOf}`]);
  const first = t.by === 'department' ? SHEET_WORDS.department : t.by === 'role' ? SHEET_WORDS.role : SHEET_WORDS.node;
  const header: string[] = [first[locale]];
  for (const k of INDICATOR_KEYS) {
    const name = INDICATOR_NAMES[k][locale];
    header.push(name, `${name} ${SHEET_WORDS.numerator[locale]}`, `${name} ${SHEET_WORDS.denominator[locale]}`);
  }
  ws.addRow(header).font = { bold: true };
  for (const r of t.rows) {
    const cells: Array<string | number | null> = [r.key.name[locale]];
    for (const k of INDICATOR_KEYS) {
      const i = r.indicators.find((x) => x.key === k);
      cells.push(i?.value ?? null, i?.numerator ?? 0, i?.denominator ?? 0);
    }
    ws.addRow(cells);
  }
  INDICATOR_KEYS.forEach((_, n) => {
    ws.getColumn(2 + n * 3).numFmt = '0.0%';
  });
  ws.getColumn(1).width = 24;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
