import { createReadStream, createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cellText,
  detectEncoding,
  guessDelimiter,
  MalformedTableError,
  plainNumber,
  type ReadRowsOptions,
  readHeader,
  readRows,
  type TableFormat,
  type TableRow,
  type TableSource,
  UnsupportedFileError,
} from './tabular.ts';

const dir = mkdtempSync(join(tmpdir(), 'gridloop-tabular-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileNo = 0;
function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, `${++fileNo}-${name}`);
  writeFileSync(path, content);
  return path;
}

async function rowsOf(source: string | TableSource, opts?: ReadRowsOptions): Promise<TableRow[]> {
  const rows: TableRow[] = [];
  for await (const r of readRows(typeof source === 'string' ? { path: source } : source, opts)) rows.push(r);
  return rows;
}

const valuesOf = (rows: TableRow[]): string[][] => rows.map((r) => r.values);

const PERSONS_CSV = '姓名,身份证号,住址\r\n张三,11010519491231002X,北京市东城区多福巷12号院\r\n李四,110105194912310021,東城區東華門街道\r\n';
const PERSONS = [
  ['姓名', '身份证号', '住址'],
  ['张三', '11010519491231002X', '北京市东城区多福巷12号院'],
  ['李四', '110105194912310021', '東城區東華門街道'],
];

describe('detectEncoding and guessDelimiter', () => {
  it('tells UTF-8, UTF-8 with BOM and GBK apart', () => {
    expect(detectEncoding(Buffer.from('name,id\n'))).toBe('utf-8');
    expect(detectEncoding(Buffer.from('姓名,身份证号\n'))).toBe('utf-8');
    expect(detectEncoding(Buffer.from('\uFEFF姓名,身份证号\n'))).toBe('utf-8-bom');
    expect(detectEncoding(iconv.encode('姓名,身份证号\n', 'gbk'))).toBe('gb18030');
    expect(detectEncoding(new Uint8Array())).toBe('utf-8');
  });

  it('does not mistake a character cut at the end of a sample for bad UTF-8', () => {
    const cut = Buffer.from('姓名').subarray(0, 4);
    expect(detectEncoding(cut, false)).toBe('utf-8');
    expect(detectEncoding(cut, true)).toBe('gb18030');
  });

  it('guesses comma, semicolon or tab from the first lines, ignoring quoted text', () => {
    expect(guessDelimiter('a,b,c\n1,2,3')).toBe(',');
    expect(guessDelimiter('a;b;c\n1;"2,5";3')).toBe(';');
    expect(guessDelimiter('a\tb\tc\n')).toBe('\t');
    expect(guessDelimiter('"a,b";c;d\n')).toBe(';');
    expect(guessDelimiter('name\n')).toBe(',');
    expect(guessDelimiter('name\n', true)).toBe('\t');
  });
});

describe('readRows on CSV', () => {
  it('reads UTF-8 with Chinese headers, the header first, numbering rows as the spreadsheet does', async () => {
    const formats: TableFormat[] = [];
    const rows = await rowsOf(file('p.csv', PERSONS_CSV), { onFormat: (f) => formats.push(f) });
    expect(valuesOf(rows)).toEqual(PERSONS);
    expect(rows.map((r) => r.row)).toEqual([1, 2, 3]);
    expect(rows.every((r) => r.issues.length === 0)).toBe(true);
    expect(formats).toEqual([{ format: 'csv', encoding: 'utf-8', delimiter: ',' }]);
  });

  it('reads UTF-8 with a BOM, which does not end up in the first header', async () => {
    const formats: TableFormat[] = [];
    const rows = await rowsOf(file('bom.csv', `\uFEFF${PERSONS_CSV}`), { onFormat: (f) => formats.push(f) });
    expect(valuesOf(rows)).toEqual(PERSONS);
    expect(formats[0]).toMatchObject({ encoding: 'utf-8-bom' });
  });

  it('reads GBK as Excel on Chinese Windows writes it, and characters only GB18030 has', async () => {
    const formats: TableFormat[] = [];
    const rows = await rowsOf(file('gbk.csv', iconv.encode(PERSONS_CSV, 'gbk')), { onFormat: (f) => formats.push(f) });
    expect(valuesOf(rows)).toEqual(PERSONS);
    expect(formats[0]).toMatchObject({ encoding: 'gb18030' });
    // 𠀀 (U+20000) and 䶵 are outside GBK: four-byte sequences in GB18030.
    const rare = await rowsOf(file('gb18030.csv', iconv.encode('姓名\r\n王𠀀䶵\r\n', 'gb18030')));
    expect(valuesOf(rare)).toEqual([['姓名'], ['王𠀀䶵']]);
  });

  it('decides late when the first 64 KB are plain ASCII, whatever comes after', async () => {
    let text = 'name,id,note\n';
    for (let i = 0; i < 5000; i++) text += `p${i},${i},plain\n`;
    text += '张三,5000,备注\n';
    expect(text.length).toBeGreaterThan(64 * 1024);
    for (const bytes of [iconv.encode(text, 'gbk'), Buffer.from(text)]) {
      const formats: TableFormat[] = [];
      const rows = await rowsOf(file('late.csv', bytes), { onFormat: (f) => formats.push(f) });
      expect(rows).toHaveLength(5002);
      expect(rows.at(-1)).toEqual({ row: 5002, values: ['张三', '5000', '备注'], issues: [] });
      expect(formats[0]).toMatchObject({ encoding: null });
    }
  });

  it('keeps commas and line breaks inside quoted fields, and counts a multi-line record as one row', async () => {
    const csv = '姓名,住址,备注\n张三,"北京市东城区,多福巷12号","第一行\n第二行, 还有""引号"""\n李四,东华门,\n';
    const rows = await rowsOf(file('quoted.csv', csv));
    expect(valuesOf(rows)).toEqual([
      ['姓名', '住址', '备注'],
      ['张三', '北京市东城区,多福巷12号', '第一行\n第二行, 还有"引号"'],
      ['李四', '东华门', ''],
    ]);
    expect(rows.map((r) => r.row)).toEqual([1, 2, 3]);
  });

  it('flags a row with a missing or an extra column and pads it, but tolerates trailing empty fields', async () => {
    const csv = 'a,b,c,\n1,2,3,\n4,5\n6,7,8,9\n10,11,12,,,\n';
    const rows = await rowsOf(file('width.csv', csv));
    expect(rows).toEqual([
      { row: 1, values: ['a', 'b', 'c'], issues: [] },
      { row: 2, values: ['1', '2', '3'], issues: [] },
      { row: 3, values: ['4', '5', ''], issues: [{ problem: 'column_count', column: null }] },
      { row: 4, values: ['6', '7', '8', '9'], issues: [{ problem: 'column_count', column: null }] },
      { row: 5, values: ['10', '11', '12'], issues: [] },
    ]);
  });

  it('skips blank rows but keeps counting them, as the spreadsheet shows them', async () => {
    const rows = await rowsOf(file('blank.csv', '\r\n姓名,电话\r\n\r\n张三,138\r\n , \r\n李四,139\r\n'));
    expect(rows.map((r) => [r.row, r.values[0]])).toEqual([
      [2, '姓名'],
      [4, '张三'],
      [6, '李四'],
    ]);
  });

  it('reads an empty file, or one of blank lines only, as no rows at all', async () => {
    expect(await rowsOf(file('empty.csv', ''))).toEqual([]);
    expect(await rowsOf(file('blank-only.csv', '\r\n,,\r\n\r\n'))).toEqual([]);
    expect(await readHeader({ path: file('empty2.csv', '') })).toBeNull();
  });

  it('returns formulas and HTML as the plain text they are, unchanged', async () => {
    const cells = ['=HYPERLINK("http://evil.example","点我")', '<script>alert(1)</script>', '+1+1', '@SUM(A1)', "'0123"];
    const csv = `a,b,c,d,e\n${cells.map((c) => `"${c.replaceAll('"', '""')}"`).join(',')}\n`;
    const rows = await rowsOf(file('payload.csv', csv));
    expect(rows[1]?.values).toEqual(cells);
  });

  it('reads semicolon- and tab-separated files, and takes a delimiter when told', async () => {
    expect(valuesOf(await rowsOf(file('semi.csv', '姓名;电话\n张三;138\n')))).toEqual([
      ['姓名', '电话'],
      ['张三', '138'],
    ]);
    expect(valuesOf(await rowsOf(file('tabs.tsv', '姓名\t电话\n张三\t138\n')))).toEqual([
      ['姓名', '电话'],
      ['张三', '138'],
    ]);
    expect(valuesOf(await rowsOf(file('forced.csv', 'a;b\n1;2\n'), { delimiter: ',' }))).toEqual([['a;b'], ['1;2']]);
  });

  it('skips title rows above the header when told how to recognise the header', async () => {
    const csv = '东华门社区人口信息登记表,,\n填表日期：2026年5月,,\n姓名,身份证号,电话\n张三,11010519491231002X,138\n';
    const rows = await rowsOf(file('title.csv', csv), { isHeader: (v) => v.includes('姓名') });
    expect(rows.map((r) => [r.row, r.values[0]])).toEqual([
      [3, '姓名'],
      [4, '张三'],
    ]);
    // Without a matching row, the first non-blank row is the header and nothing is lost.
    const fallback = await rowsOf(file('title2.csv', csv), { isHeader: () => false });
    expect(fallback.map((r) => r.row)).toEqual([1, 2, 3, 4]);
  });

  it('marks cells whose bytes are not valid in the file encoding', async () => {
    const bytes = Buffer.concat([Buffer.from('姓名,电话\n张三,138\n'), Buffer.from([0x41, 0xff, 0x42]), Buffer.from(',139\n')]);
    const rows = await rowsOf(file('bad-utf8.csv', bytes));
    expect(rows[2]).toEqual({ row: 3, values: ['A\uFFFDB', '139'], issues: [{ problem: 'encoding', column: 0 }] });
  });

  it('fails the file at the row where an unclosed quote starts swallowing the rest', async () => {
    const csv = `姓名,备注\n张三,"没有结束的引号\n${'李四,正常\n'.repeat(200)}`;
    const unclosed = rowsOf(file('unclosed.csv', csv));
    await expect(unclosed).rejects.toBeInstanceOf(MalformedTableError);
    await expect(unclosed).rejects.toMatchObject({ reason: 'unclosed_quote', row: 2 });
    const tooLong = rowsOf(file('unclosed2.csv', csv), { maxRecordBytes: 500 });
    await expect(tooLong).rejects.toMatchObject({ reason: 'record_too_large', row: 2 });
  });

  it('passes on the error of a stream that breaks off', async () => {
    const aborted = Readable.from(
      (async function* () {
        yield Buffer.from(`姓名,电话\n${'张三,138\n'.repeat(10_000)}`);
        throw new Error('upload aborted');
      })(),
    );
    await expect(rowsOf({ stream: aborted, filename: 'a.csv' })).rejects.toThrow('upload aborted');
  });

  it('reads from a stream, and readHeader stops reading and closes it', async () => {
    const source = { stream: Readable.from([Buffer.from(PERSONS_CSV)]), filename: 'upload.csv' };
    expect(valuesOf(await rowsOf(source))).toEqual(PERSONS);

    // A stream that has not ended: readHeader needs the first 64 KB to sniff, then neither waits nor reads on.
    const endless = new PassThrough();
    endless.write(Buffer.from(`姓名,电话\n${'张三,138\n'.repeat(10_000)}`));
    const header = await readHeader({ stream: endless, filename: 'endless.csv' });
    expect(header).toEqual({ row: 1, values: ['姓名', '电话'], issues: [] });
    expect(endless.destroyed).toBe(true);
  });
});

describe('readRows refuses what it cannot read', () => {
  const cases: Array<[string, string | Uint8Array, string]> = [
    ['report.pdf', '%PDF-1.4', 'extension'],
    ['photo.jpg', 'not really', 'extension'],
    ['old.xls', 'anything', 'xls'],
    ['disguised.csv', '%PDF-1.4\n...', 'binary'],
    ['nul.csv', 'a,b\n1,\u0000\n', 'binary'],
    ['ole.csv', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), 'xls'],
    ['unicode.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('姓名\t电话\n', 'utf16le')]), 'utf16'],
    ['text.xlsx', '姓名,电话\n', 'not_xlsx'],
  ];
  for (const [name, content, reason] of cases) {
    it(`refuses ${name} (${reason})`, async () => {
      const read = rowsOf(file(name, content));
      await expect(read).rejects.toBeInstanceOf(UnsupportedFileError);
      await expect(read).rejects.toMatchObject({ reason, code: 'IMPORT_FILE_UNSUPPORTED' });
    });
  }

  it('reports a broken zip as a malformed workbook', async () => {
    await expect(rowsOf(file('broken.xlsx', 'PK\u0003\u0004 not a zip at all'))).rejects.toMatchObject({
      reason: 'xlsx_corrupt',
      code: 'IMPORT_FILE_MALFORMED',
    });
  });

  it('refuses a stream by its name too, and closes it', async () => {
    const stream = Readable.from([Buffer.from('x')]);
    await expect(readHeader({ stream, filename: 'a.docx' })).rejects.toMatchObject({ reason: 'extension' });
    expect(stream.destroyed).toBe(true);
  });
});

describe('readRows on XLSX', () => {
  async function workbook(name: string, build: (ws: ExcelJS.Worksheet, wb: ExcelJS.Workbook) => void): Promise<string> {
    const wb = new ExcelJS.Workbook();
    build(wb.addWorksheet('人口'), wb);
    const path = join(dir, `${++fileNo}-${name}`);
    await wb.xlsx.writeFile(path);
    return path;
  }

  it('reads text, dates, long IDs, formulas by their stored result, rich text and links as plain text', async () => {
    const path = await workbook('persons.xlsx', (ws, wb) => {
      ws.addRow(['东华门社区人口信息登记表']);
      ws.addRow(['姓名', '身份证号', '出生日期', '年龄', '备注', '链接', '在住']);
      ws.addRow([
        '张三',
        '11010519491231002X',
        new Date(Date.UTC(1949, 11, 31)),
        { formula: '2026-1949', result: 77 },
        { richText: [{ text: '独居' }, { text: '老人', font: { bold: true } }] },
        { text: '主页', hyperlink: 'http://example.com' },
        true,
      ]);
      ws.addRow([]);
      ws.addRow([
        '李四',
        // An 18-digit ID typed as a number: Excel keeps 15 significant digits.
        110105194912310000,
        new Date(Date.UTC(1950, 0, 2, 8, 30)),
        { formula: 'C5-C3' },
        '=HYPERLINK("http://evil.example")',
        '<script>alert(1)</script>',
        false,
        '多出来的一列',
      ]);
      ws.addRow(['王五', '110105194912310021', '1951-02-03', 0.0000001, 1234567.5]);
      wb.addWorksheet('说明').addRow(['第二个工作表不读']);
    });
    const formats: TableFormat[] = [];
    const rows = await rowsOf(path, { isHeader: (v) => v.includes('姓名'), onFormat: (f) => formats.push(f) });
    expect(formats).toEqual([{ format: 'xlsx' }]);
    expect(rows).toEqual([
      { row: 2, values: ['姓名', '身份证号', '出生日期', '年龄', '备注', '链接', '在住'], issues: [] },
      { row: 3, values: ['张三', '11010519491231002X', '1949-12-31', '77', '独居老人', '主页', 'TRUE'], issues: [] },
      {
        row: 5,
        values: [
          '李四',
          '110105194912310000',
          '1950-01-02 08:30:00',
          '',
          '=HYPERLINK("http://evil.example")',
          '<script>alert(1)</script>',
          'FALSE',
          '多出来的一列',
        ],
        issues: [
          { problem: 'number_precision', column: 1 },
          { problem: 'formula_without_result', column: 3 },
          { problem: 'column_count', column: null },
        ],
      },
      { row: 6, values: ['王五', '110105194912310021', '1951-02-03', '0.0000001', '1234567.5', '', ''], issues: [] },
    ]);
  });

  it('reads a workbook written in another part order, with a formatted date', async () => {
    const path = join(dir, `${++fileNo}-streamed.xlsx`);
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true, useStyles: true });
    const ws = wb.addWorksheet('a');
    ws.addRow(['姓名', '出生日期']).commit();
    const row = ws.addRow(['张三', new Date(Date.UTC(1990, 2, 7))]);
    row.getCell(2).numFmt = 'yyyy"年"m"月"d"日"';
    row.commit();
    ws.commit();
    await wb.commit();
    expect(valuesOf(await rowsOf(path))).toEqual([
      ['姓名', '出生日期'],
      ['张三', '1990-03-07'],
    ]);
  });

  it('reads a workbook uploaded as a stream, even under a .csv name', async () => {
    const path = await workbook('upload.xlsx', (ws) => {
      ws.addRow(['姓名']);
      ws.addRow(['张三']);
    });
    const rows = await rowsOf({ stream: createReadStream(path), filename: 'renamed.csv' });
    expect(valuesOf(rows)).toEqual([['姓名'], ['张三']]);
  });

  it('fails, rather than waits forever, when an upload breaks off or the file is cut short', async () => {
    const path = await workbook('long.xlsx', (ws) => {
      ws.addRow(['姓名', '编号', '备注']);
      for (let i = 0; i < 20_000; i++) ws.addRow([`张${i}`, i, `备注${i * 7}`]);
    });
    const bytes = readFileSync(path);
    expect(bytes.length).toBeGreaterThan(200_000);
    const aborted = Readable.from(
      (async function* () {
        yield bytes.subarray(0, 70_000);
        yield bytes.subarray(70_000, 150_000);
        throw new Error('upload aborted');
      })(),
    );
    await expect(readHeader({ stream: aborted, filename: 'a.xlsx' })).rejects.toThrow('upload aborted');
    const truncated = Readable.from([bytes.subarray(0, 150_000)]);
    await expect(readHeader({ stream: truncated, filename: 'a.xlsx' })).rejects.toMatchObject({
      reason: 'xlsx_corrupt',
    });
  });

  it('reads an empty first worksheet as no rows', async () => {
    const path = await workbook('empty.xlsx', () => undefined);
    expect(await rowsOf(path)).toEqual([]);
  });

  it('leaves no temporary copy of a worksheet behind when it stops after the header', async () => {
    const path = await workbook('big.xlsx', (ws, wb) => {
      ws.addRow(['姓名', '编号']);
      for (let i = 0; i < 2000; i++) ws.addRow([`张${i}`, i]);
      wb.addWorksheet('b').addRow(['x']);
      wb.addWorksheet('c').addRow(['y']);
    });
    const copies = (): string[] => readdirSync(tmpdir()).filter((f) => f.startsWith('tmp-'));
    const before = new Set(copies());
    expect(await readHeader({ path })).toMatchObject({ row: 1, values: ['姓名', '编号'] });
    let n = 0;
    for await (const _ of readRows({ path })) if (++n === 10) break;
    // exceljs deletes its copies asynchronously.
    for (let i = 0; i < 40 && copies().some((f) => !before.has(f)); i++) await new Promise((r) => setTimeout(r, 50));
    expect(copies().filter((f) => !before.has(f))).toEqual([]);
  });
});

describe('cellText and plainNumber', () => {
  it('writes numbers without exponent notation', () => {
    expect(plainNumber(1.1e21)).toBe('1100000000000000000000');
    expect(plainNumber(1e-7)).toBe('0.0000001');
    expect(plainNumber(-2.5e-8)).toBe('-0.000000025');
    expect(plainNumber(1.2345e-5)).toBe('0.000012345');
    expect(plainNumber(123.45)).toBe('123.45');
  });

  it('flags integers of more than 15 digits, which Excel cannot have stored exactly', () => {
    expect(cellText(110105194912310020)).toEqual({ text: '110105194912310020', problem: 'number_precision' });
    expect(cellText(1101011234567891)).toMatchObject({ problem: 'number_precision' });
    expect(cellText(110105194912310)).toEqual({ text: '110105194912310', problem: null });
  });

  it('reads a formula result in a date format as a date, and an error as its code', () => {
    expect(cellText({ formula: 'TODAY()', result: 46143 }, 'yyyy-mm-dd')).toEqual({ text: '2026-05-01', problem: null });
    expect(cellText({ formula: 'A1/0', result: { error: '#DIV/0!' } })).toEqual({ text: '#DIV/0!', problem: null });
    expect(cellText(null)).toEqual({ text: '', problem: null });
  });
});

describe('readRows streams', () => {
  it('reads 200,000 rows of GBK without holding the file in memory', async () => {
    const path = join(dir, 'big.csv');
    const out = createWriteStream(path);
    out.write(iconv.encode('姓名,身份证号,性别,出生日期,联系电话,住址,备注\r\n', 'gbk'));
    const note = '备注'.repeat(40);
    for (let i = 0; i < 200_000; i++) {
      const id = `11010519491231${String(i % 10_000).padStart(4, '0')}`;
      const line = `张${i},${id},男,1949-12-31,138${String(i).padStart(8, '0')},"多福巷${i}号院3栋2单元301室",${note}\r\n`;
      if (!out.write(iconv.encode(line, 'gbk'))) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');

    // The file is about 50 MB and its rows, as strings in arrays, several times that: holding either would show.
    // Garbage counts in heapUsed until the collector runs, and when it runs depends on the machine's load, so the
    // live size is measured after a forced collection. Buffers and large decoded strings live outside the V8 heap:
    // `external` is counted too.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const used = (): number => {
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.external;
    };
    const base = used();
    let peak = 0;
    let count = 0;
    let last: TableRow | undefined;
    for await (const r of readRows({ path })) {
      count++;
      last = r;
      if (count % 20_000 === 0) peak = Math.max(peak, used() - base);
    }
    expect(count).toBe(200_001);
    expect(last?.row).toBe(200_001);
    expect(last?.values.slice(0, 2)).toEqual(['张199999', '110105194912319999']);
    expect(peak).toBeLessThan(50 * 1024 * 1024);
  });
});
