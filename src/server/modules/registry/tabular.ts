/**
 * Streaming readers for the spreadsheets that basic data arrives in: CSV (UTF-8 with or without BOM, or the
 * GBK/GB18030 that Excel writes on Chinese Windows) and XLSX (first worksheet). A file of a million rows is read
 * chunk by chunk and row by row; only the first 64 KB are held at once, to recognise the format and the encoding.
 * (An XLSX keeps its shared-string table in memory: cells point into it by index, so it cannot be streamed.)
 *
 * Values come back as the text the user sees, never interpreted: `=HYPERLINK(…)` or `<script>` in a cell is returned
 * unchanged, to be stored as text and escaped wherever it is shown.
 */
import { createReadStream, ReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, resolve, sep } from 'node:path';
import { pipeline, Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'gb18030';

export type TableSource = { path: string } | { stream: NodeJS.ReadableStream; filename: string };

/**
 * What is wrong with a row or one of its cells, without failing the file:
 * - `column_count`: the row has more or fewer cells than the header (CSV), or data beyond the header's last column;
 * - `number_precision`: a number too long for a spreadsheet to hold exactly (an 18-digit ID typed as a number);
 * - `formula_without_result`: a formula whose result the file did not store (formulas are never evaluated);
 * - `encoding`: bytes that are not valid in the file's encoding (replaced by U+FFFD).
 */
export type TableProblem = 'column_count' | 'number_precision' | 'formula_without_result' | 'encoding';

export interface TableIssue {
  problem: TableProblem;
  /** 0-based column, or null when the problem is the row's. */
  column: number | null;
}

export interface TableRow {
  /** The row number the user sees in the spreadsheet: the file's first row is 1, blank rows included. */
  row: number;
  /** Cell texts, as written (not trimmed); data rows are padded with '' to the header's width. */
  values: string[];
  issues: TableIssue[];
}

export type TableFormat =
  | { format: 'csv'; encoding: TextEncoding | null; delimiter: string }
  | { format: 'xlsx' };

export interface ReadRowsOptions {
  /** Overrides the delimiter guessed from the first lines (comma, semicolon or tab). */
  delimiter?: ',' | ';' | '\t';
  /**
   * Recognises the header among the first `headerSearchRows` non-blank rows, so that title rows above it
   * (「××社区人口信息登记表」) are skipped. Without it, or when no row matches, the first non-blank row is the header.
   */
  isHeader?: (values: string[]) => boolean;
  headerSearchRows?: number;
  /** A CSV record longer than this fails the file: it is almost always an unclosed quote swallowing the rest. */
  maxRecordBytes?: number;
  /** Told the detected format; a CSV's encoding is null while only ASCII has been seen in its first 64 KB. */
  onFormat?: (format: TableFormat) => void;
}

export type UnsupportedReason = 'extension' | 'xls' | 'binary' | 'utf16' | 'not_xlsx';

/** The file is not one we read: another extension, a legacy .xls, a binary, UTF-16 text, or a zip that is no workbook. */
export class UnsupportedFileError extends Error {
  readonly code = 'IMPORT_FILE_UNSUPPORTED';
  constructor(
    readonly reason: UnsupportedReason,
    readonly filename: string,
  ) {
    super(`unsupported file ${JSON.stringify(basename(filename))}: ${UNSUPPORTED_MESSAGES[reason]}`);
    this.name = 'UnsupportedFileError';
  }
}

const UNSUPPORTED_MESSAGES: Record<UnsupportedReason, string> = {
  extension: 'only CSV and XLSX files can be imported',
  xls: 'a legacy Excel .xls file; save it as .xlsx or CSV',
  binary: 'a binary file, neither CSV nor XLSX',
  utf16: 'UTF-16 text ("Unicode text"); save it as CSV UTF-8 or CSV',
  not_xlsx: 'not an Excel workbook, or one without a worksheet',
};

export type MalformedReason = 'unclosed_quote' | 'record_too_large' | 'csv_syntax' | 'xlsx_corrupt';

/** The file is of a supported kind but cannot be read past `row`. */
export class MalformedTableError extends Error {
  readonly code = 'IMPORT_FILE_MALFORMED';
  constructor(
    readonly reason: MalformedReason,
    readonly row: number | null,
    detail: string,
  ) {
    super(`malformed table${row === null ? '' : ` at row ${row}`}: ${detail}`);
    this.name = 'MalformedTableError';
  }
}

const HEAD_BYTES = 64 * 1024;
// When the first 64 KB are plain ASCII, the encoding is decided at the first non-ASCII byte, from this much text.
const LOOKAHEAD_BYTES = 4 * 1024;
const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;
const DEFAULT_HEADER_SEARCH_ROWS = 20;

const CSV_EXTENSIONS = new Set(['.csv', '.tsv', '.txt', '']);
const XLSX_EXTENSIONS = new Set(['.xlsx', '.xlsm']);

/** UTF-8 with a BOM, valid UTF-8, or else GB18030 (a superset of GBK and GB2312). `complete`: `buf` is the whole file. */
export function detectEncoding(buf: Uint8Array, complete = true): TextEncoding {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return 'utf-8-bom';
  try {
    // A multi-byte character cut at the end of a sample is not an error; `stream` leaves it pending.
    new TextDecoder('utf-8', { fatal: true }).decode(buf, { stream: !complete });
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

/** The header (the first item) and then the data rows of the file's first table. Blank rows are skipped. */
export async function* readRows(source: TableSource, opts: ReadRowsOptions = {}): AsyncGenerator<TableRow> {
  const filename = 'path' in source ? source.path : source.filename;
  const ext = extname(filename).toLowerCase();
  const stream = 'path' in source ? createReadStream(source.path) : source.stream;
  const chunks = byteChunks(stream)[Symbol.asyncIterator]();
  try {
    if (ext === '.xls') throw new UnsupportedFileError('xls', filename);
    if (!CSV_EXTENSIONS.has(ext) && !XLSX_EXTENSIONS.has(ext)) throw new UnsupportedFileError('extension', filename);
    const { head, ended } = await readHead(chunks);
    const kind = sniffKind(head, ext, filename);
    const rest = replay(head, chunks);
    const raw = kind === 'xlsx' ? xlsxRows(rest, filename, opts) : csvRows(rest, head, ended, ext, opts);
    yield* shapeRows(raw, opts);
  } finally {
    // A stream is ours once handed over, whatever the outcome: stopping early (readHeader, a cancelled import) or
    // refusing the file closes it, and closing it first lets a read still waiting on it finish instead of hanging.
    if ('destroy' in stream && typeof stream.destroy === 'function') stream.destroy();
    await chunks.return?.(undefined).catch(() => undefined);
  }
}

/** Only the header row, or null for a file without a non-blank row; the rest of the file is not read. */
export async function readHeader(source: TableSource, opts: ReadRowsOptions = {}): Promise<TableRow | null> {
  for await (const row of readRows(source, opts)) return row;
  return null;
}

async function* byteChunks(stream: NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  for await (const chunk of stream) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}

async function readHead(chunks: AsyncIterator<Buffer>): Promise<{ head: Buffer; ended: boolean }> {
  const parts: Buffer[] = [];
  let length = 0;
  while (length < HEAD_BYTES) {
    const next = await chunks.next();
    if (next.done) return { head: Buffer.concat(parts), ended: true };
    parts.push(next.value);
    length += next.value.length;
  }
  return { head: Buffer.concat(parts), ended: false };
}

async function* replay(head: Buffer, chunks: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  if (head.length > 0) yield head;
  for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
}

function startsWith(buf: Buffer, bytes: readonly number[]): boolean {
  return bytes.every((b, i) => buf[i] === b);
}

// Signatures of files people upload by mistake: PDF, PNG, JPEG, GIF, gzip, 7z, RAR.
const BINARY_MAGIC: readonly (readonly number[])[] = [
  [0x25, 0x50, 0x44, 0x46],
  [0x89, 0x50, 0x4e, 0x47],
  [0xff, 0xd8, 0xff],
  [0x47, 0x49, 0x46, 0x38],
  [0x1f, 0x8b],
  [0x37, 0x7a, 0xbc, 0xaf],
  [0x52, 0x61, 0x72, 0x21],
];

/** The content decides, not the name: a workbook renamed .csv is still read as a workbook. */
function sniffKind(head: Buffer, ext: string, filename: string): 'csv' | 'xlsx' {
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return 'xlsx';
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0])) throw new UnsupportedFileError('xls', filename);
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) throw new UnsupportedFileError('utf16', filename);
  if (BINARY_MAGIC.some((m) => startsWith(head, m)) || head.includes(0)) {
    throw new UnsupportedFileError('binary', filename);
  }
  if (XLSX_EXTENSIONS.has(ext) && head.length > 0) throw new UnsupportedFileError('not_xlsx', filename);
  return 'csv';
}

function iconvName(encoding: TextEncoding): 'utf-8' | 'gb18030' {
  return encoding === 'gb18030' ? 'gb18030' : 'utf-8';
}

function firstNonAscii(buf: Buffer): number {
  for (let i = 0; i < buf.length; i++) if ((buf[i] ?? 0) >= 0x80) return i;
  return -1;
}

/**
 * Bytes to text. The encoding is sniffed from the first 64 KB; when those are plain ASCII (an English header and
 * numbers), the decision waits for the first non-ASCII byte, since ASCII reads the same in UTF-8 and GB18030.
 */
async function* decodeText(bytes: AsyncIterable<Buffer>, initial: TextEncoding | null): AsyncGenerator<string> {
  // iconv-lite's decoder is the engine of its decodeStream; used directly so the choice can be made mid-stream.
  let decoder = initial === null ? null : iconv.getDecoder(iconvName(initial));
  const pending: Buffer[] = [];
  let pendingLength = 0;
  for await (const chunk of bytes) {
    if (decoder !== null) {
      const text = decoder.write(chunk);
      if (text !== '') yield text;
      continue;
    }
    if (pendingLength === 0) {
      const at = firstNonAscii(chunk);
      if (at < 0) {
        yield chunk.toString('latin1');
        continue;
      }
      if (at > 0) yield chunk.subarray(0, at).toString('latin1');
      pending.push(chunk.subarray(at));
      pendingLength += chunk.length - at;
    } else {
      pending.push(chunk);
      pendingLength += chunk.length;
    }
    if (pendingLength >= LOOKAHEAD_BYTES) {
      const sample = Buffer.concat(pending);
      decoder = iconv.getDecoder(iconvName(detectEncoding(sample, false)));
      pending.length = 0;
      yield decoder.write(sample);
    }
  }
  if (decoder === null && pendingLength > 0) {
    const sample = Buffer.concat(pending);
    decoder = iconv.getDecoder(iconvName(detectEncoding(sample, true)));
    yield decoder.write(sample);
  }
  const tail = decoder?.end();
  if (tail) yield tail;
}

const DELIMITERS = [',', ';', '\t'] as const;

/** The delimiter that occurs most on one of the first non-blank lines (outside quotes); comma on a tie. */
export function guessDelimiter(text: string, preferTab = false): ',' | ';' | '\t' {
  const lines = text
    .split(/\r\n|\n|\r/)
    .filter((l) => l.trim() !== '')
    .slice(0, 5);
  const best = { ',': 0, ';': 0, '\t': 0 };
  for (const line of lines) {
    const count = { ',': 0, ';': 0, '\t': 0 };
    let quoted = false;
    for (const ch of line) {
      if (ch === '"') quoted = !quoted;
      else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) count[ch]++;
    }
    for (const d of DELIMITERS) best[d] = Math.max(best[d], count[d]);
  }
  const first = preferTab ? '\t' : ',';
  let chosen: ',' | ';' | '\t' = first;
  for (const d of DELIMITERS) if (best[d] > best[chosen]) chosen = d;
  return chosen;
}

interface RawRow {
  row: number;
  values: string[];
  issues: TableIssue[];
  /** A CSV record's field count is meaningful; an XLSX row simply omits its empty cells. */
  strictWidth: boolean;
}

async function* csvRows(
  bytes: AsyncIterable<Buffer>,
  head: Buffer,
  ended: boolean,
  ext: string,
  opts: ReadRowsOptions,
): AsyncGenerator<RawRow> {
  const asciiOnly = firstNonAscii(head) < 0 && !ended;
  const encoding = asciiOnly ? null : detectEncoding(head, ended);
  const delimiter =
    opts.delimiter ?? guessDelimiter(iconv.decode(head, iconvName(encoding ?? 'utf-8')), ext === '.tsv');
  opts.onFormat?.({ format: 'csv', encoding, delimiter });

  const parser = parse({
    delimiter,
    // Records are numbered like spreadsheet rows, so blank lines are kept here and skipped later.
    skip_empty_lines: false,
    // A row of the wrong width becomes an error row, not a failed file.
    relax_column_count: true,
    // A stray quote inside a field (张"三) is text, as Excel reads it.
    relax_quotes: true,
    record_delimiter: ['\r\n', '\n', '\r'],
    max_record_size: opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
  });
  // Errors and an early stop propagate both ways through the pipeline; the outcome is seen by the loop below.
  pipeline(decodeText(bytes, encoding), parser, () => {});
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      row++;
      yield { row, values: record, issues: [], strictWidth: true };
    }
  } catch (err) {
    throw csvError(err, row);
  }
}

function csvError(err: unknown, rowsRead: number): Error {
  if (!(err instanceof Error)) return new Error(String(err));
  const code = 'code' in err ? String(err.code) : '';
  if (!code.startsWith('CSV_')) return err;
  // csv-parse counts the records it completed; ours may lag, since a failing stream drops what it still buffered.
  const records = 'records' in err && typeof err.records === 'number' ? err.records : rowsRead;
  const row = records + 1;
  if (code === 'CSV_QUOTE_NOT_CLOSED') return new MalformedTableError('unclosed_quote', row, err.message);
  if (code === 'CSV_MAX_RECORD_SIZE') return new MalformedTableError('record_too_large', row, err.message);
  return new MalformedTableError('csv_syntax', row, err.message);
}

async function* xlsxRows(bytes: AsyncIterable<Buffer>, filename: string, opts: ReadRowsOptions): AsyncGenerator<RawRow> {
  opts.onFormat?.({ format: 'xlsx' });
  // exceljs waits on the zip's entries without listening for errors, on its input or in its unzipper: an aborted
  // upload or a truncated or corrupt file would leave it waiting forever. Both are caught here, and every step of
  // exceljs is raced against them.
  let fail: (err: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  failed.catch(() => undefined);
  let broken: unknown = null;
  const onError = (err: unknown): void => {
    broken ??= err;
    fail(err);
  };
  async function* guarded(): AsyncGenerator<Buffer> {
    try {
      yield* bytes;
    } catch (err) {
      onError(err);
    }
  }
  const input = Readable.from(guarded());
  const pipe = input.pipe.bind(input);
  input.pipe = <T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T => {
    destination.on('error', (err: unknown) => {
      onError(new MalformedTableError('xlsx_corrupt', null, err instanceof Error ? err.message : String(err)));
    });
    return pipe(destination, options);
  };
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    // Styles carry the number formats that tell a date from a number. (A zip that stores the shared strings, then
    // the sheet, then the styles is read before the formats are known, and its dates come as serial numbers; Excel
    // and exceljs store the sheet before the shared strings, which defers it until everything else is read.)
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const worksheets = reader[Symbol.asyncIterator]();
  let sheets = 0;
  let copy: ReadStream | null = null;
  let finished = false;
  try {
    const first = await Promise.race([worksheets.next(), failed]);
    if (!first.done) {
      sheets++;
      copy = tempCopyOf(first.value);
      const rows = first.value[Symbol.asyncIterator]();
      for (let next = await Promise.race([rows.next(), failed]); !next.done; ) {
        const values: string[] = [];
        const issues: TableIssue[] = [];
        next.value.eachCell({ includeEmpty: false }, (cell, col) => {
          const { text, problem } = cellText(cell.value, cell.numFmt);
          while (values.length < col - 1) values.push('');
          values[col - 1] = text;
          if (problem !== null) issues.push({ problem, column: col - 1 });
        });
        yield { row: next.value.number, values, issues, strictWidth: false };
        next = await Promise.race([rows.next(), failed]);
      }
    }
    finished = true;
  } catch (err) {
    if (broken !== null) throw broken;
    throw new MalformedTableError('xlsx_corrupt', null, err instanceof Error ? err.message : String(err));
  } finally {
    // Only the first worksheet is the table; others hold notes, drop-down lists or pivot tables.
    await skipRemainingSheets(worksheets, copy, finished, failed);
    input.destroy();
  }
  if (broken !== null) throw broken;
  if (sheets === 0) throw new UnsupportedFileError('not_xlsx', filename);
}

/**
 * exceljs copies each worksheet to a temporary file when the zip stores them before the shared strings (Excel does)
 * and deletes a copy only when its reader moves on past that sheet. So even when reading stops early (a header
 * preview, a cancelled or failed import), the reader is moved on through the remaining sheets, closing each copy
 * unread. The copy is the worksheet reader's input stream, which exceljs does not declare: hence the careful checks.
 */
async function skipRemainingSheets(
  worksheets: AsyncIterator<unknown>,
  copy: ReadStream | null,
  finished: boolean,
  failed: Promise<never>,
): Promise<void> {
  if (!finished && copy === null) {
    // Streamed straight from the zip, with no copies: stop without reading the rest of the file.
    void worksheets.return?.(undefined).catch(() => undefined);
    return;
  }
  copy?.destroy();
  try {
    for (let next = await Promise.race([worksheets.next(), failed]); !next.done; ) {
      tempCopyOf(next.value)?.destroy();
      next = await Promise.race([worksheets.next(), failed]);
    }
  } catch {
    // A broken file: exceljs may never get to its cleanup, so the copy of the sheet that was read goes now.
    if (copy !== null) await rm(String(copy.path), { force: true }).catch(() => undefined);
  }
}

function tempCopyOf(worksheet: unknown): ReadStream | null {
  const input = typeof worksheet === 'object' && worksheet !== null ? Reflect.get(worksheet, 'iterator') : null;
  if (!(input instanceof ReadStream) || typeof input.path !== 'string') return null;
  return resolve(input.path).startsWith(resolve(tmpdir()) + sep) ? input : null;
}

type CellText = { text: string; problem: TableProblem | null };

// Excel keeps 15 significant digits: a longer integer typed as a number (an 18-digit ID, a 16-digit component
// code) has already lost its last digits, even below 2^53. No field we import holds a number this large.
const EXACT_INTEGER_LIMIT = 1e15;

/** A cell's value as the text the user sees: formulas by their stored result, rich text as plain text. */
export function cellText(value: ExcelJS.CellValue, numFmt?: string): CellText {
  if (value === null || value === undefined) return { text: '', problem: null };
  if (typeof value === 'string') return { text: value, problem: null };
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE', problem: null };
  if (typeof value === 'number') {
    if (isDateFormat(numFmt)) return { text: dateText(excelSerialDate(value)), problem: null };
    const problem = Number.isInteger(value) && Math.abs(value) >= EXACT_INTEGER_LIMIT ? 'number_precision' : null;
    return { text: plainNumber(value), problem };
  }
  if (value instanceof Date) return { text: dateText(value), problem: null };
  if ('richText' in value) return { text: value.richText.map((r) => r.text).join(''), problem: null };
  if ('formula' in value || 'sharedFormula' in value) {
    // Never evaluated: the result Excel stored when it last saved the file, or nothing.
    if (value.result === undefined) return { text: '', problem: 'formula_without_result' };
    return cellText(value.result, numFmt);
  }
  if ('error' in value) return { text: value.error, problem: null };
  if ('hyperlink' in value) return cellText(value.text, numFmt);
  return { text: '', problem: null };
}

/** exceljs's own test: a format with date or time letters outside quoted text and [colour] brackets. */
function isDateFormat(numFmt: string | undefined): boolean {
  if (numFmt === undefined || numFmt === '') return false;
  return /[ymdhsb]/i.test(numFmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

function excelSerialDate(serial: number): Date {
  // Day 25569 is 1970-01-01 in Excel's 1900 date system.
  return new Date(Math.round((serial - 25569) * 86_400_000));
}

function dateText(d: Date): string {
  const iso = d.toISOString();
  // Dates arrive as UTC midnight; a time of day is kept only when there is one.
  return iso.slice(11, 23) === '00:00:00.000' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** A number without exponent notation: 1.1e+21 → '1100000000000000000000', 1e-7 → '0.0000001'. */
export function plainNumber(n: number): string {
  const s = String(n);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (m === null) return s;
  const [, sign = '', int = '', frac = '', exp = '0'] = m;
  const digits = int + frac;
  const point = int.length + Number(exp);
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function isBlank(values: readonly string[]): boolean {
  return values.every((v) => v.trim() === '');
}

function trimTrailingEmpty(values: string[]): string[] {
  let end = values.length;
  while (end > 0 && (values[end - 1] ?? '') === '') end--;
  return end === values.length ? values : values.slice(0, end);
}

/**
 * Shared by both formats: skip blank rows, find the header, and give every data row the header's width, flagging
 * rows that do not fit. Trailing empty cells never count (Excel pads CSV rows to its used range), so only a CSV row
 * with too few fields, or a row with text beyond the header's last column, is flagged.
 */
async function* shapeRows(raw: AsyncIterable<RawRow>, opts: ReadRowsOptions): AsyncGenerator<TableRow> {
  const searchLimit = opts.headerSearchRows ?? DEFAULT_HEADER_SEARCH_ROWS;
  const candidates: RawRow[] = [];
  let width = -1;
  for await (const r of raw) {
    if (isBlank(r.values)) continue;
    if (width >= 0) {
      yield fitToHeader(r, width);
      continue;
    }
    candidates.push(r);
    const found = opts.isHeader === undefined || opts.isHeader(r.values);
    if (!found && candidates.length < searchLimit) continue;
    // No match within the limit: the first non-blank row is the header, and the rows after it are data.
    const [header, ...data] = found ? [r] : candidates;
    if (header === undefined) continue;
    width = trimTrailingEmpty(header.values).length;
    yield fitToHeader(header, width);
    for (const d of data) yield fitToHeader(d, width);
  }
  // A short file whose header never matched: the same fallback.
  const [header, ...data] = candidates;
  if (width < 0 && header !== undefined) {
    width = trimTrailingEmpty(header.values).length;
    yield fitToHeader(header, width);
    for (const d of data) yield fitToHeader(d, width);
  }
}

function fitToHeader(r: RawRow, width: number): TableRow {
  const issues = [...r.issues];
  const values = trimTrailingEmpty(r.values);
  if (values.length > width || (r.strictWidth && r.values.length < width)) {
    issues.push({ problem: 'column_count', column: null });
  }
  while (values.length < width) values.push('');
  values.forEach((v, column) => {
    if (v.includes('\uFFFD')) issues.push({ problem: 'encoding', column });
  });
  return { row: r.row, values, issues };
}
