/**
 * Exports and error reports as streams: rows are written as they come from the database (keyset pages), so that a
 * million-row export holds one page in memory, not the file. The same writers serve the API (a stream handed to the
 * reply) and the CLI (piped into a file). Every cell is written as text or a number, never as a formula.
 */
import { PassThrough, Readable, type Writable } from 'node:stream';
import ExcelJS from 'exceljs';

export type ExportRow = Record<string, string | number | null>;
export type ExportFormat = 'csv' | 'xlsx';

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * A CSV cell. A leading =, +, - or @ (a formula to a spreadsheet) gets an apostrophe, so that text imported as text
 * stays text when the export is opened in Excel.
 */
export function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** About this many characters go out per chunk: small enough to stream, large enough not to cost a write per row. */
const CHUNK = 64 * 1024;

/**
 * CSV text in chunks: a BOM (so that Excel on Chinese Windows reads UTF-8), the header from the first row's keys (or
 * `header` when given, so that an empty export still names its columns), then one line per row.
 */
export async function* csvChunks(rows: AsyncIterable<ExportRow>, header: readonly string[] | null = null): AsyncGenerator<string> {
  let cols: readonly string[] | null = header;
  let buf = '\ufeff';
  if (cols) buf += `${cols.map(csvCell).join(',')}\r\n`;
  for await (const r of rows) {
    if (cols === null) {
      cols = Object.keys(r);
      buf += `${cols.map(csvCell).join(',')}\r\n`;
    }
    buf += `${cols.map((k) => csvCell(r[k])).join(',')}\r\n`;
    if (buf.length >= CHUNK) {
      yield buf;
      buf = '';
    }
  }
  if (buf.length > 0) yield buf;
}

/**
 * Waits until `out` wants more, or has gone (a client that hung up): false then. It first lets the event loop turn:
 * exceljs hands rows to the zip without back-pressure, and only then does the compressed part reach `out`.
 */
async function drained(out: Writable): Promise<boolean> {
  await new Promise((resolve) => setImmediate(resolve));
  if (out.destroyed) return false;
  if (!out.writableNeedDrain) return true;
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    out.once('drain', onDrain);
    out.once('close', onClose);
  });
}

/**
 * Writes an XLSX workbook of one sheet into `out` with exceljs's streaming writer: no shared-string table and no styles
 * (both grow with the file), each row committed as it is added, and the rows read only as fast as `out` takes the zip.
 * Ends `out`; returns the number of rows, or throws (and destroys `out`) on a failure.
 */
export async function writeXlsx(sheet: string, rows: AsyncIterable<ExportRow>, out: Writable, header: readonly string[] | null = null): Promise<number> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
  const ws = wb.addWorksheet(sheet.slice(0, 31));
  let cols: readonly string[] | null = header;
  if (cols) ws.addRow([...cols]).commit();
  let n = 0;
  const it = rows[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await it.next();
      if (next.done) break;
      const r = next.value;
      if (cols === null) {
        cols = Object.keys(r);
        ws.addRow([...cols]).commit();
      }
      ws.addRow(cols.map((k) => r[k] ?? null)).commit();
      n++;
      if (n % 500 === 0 && !(await drained(out))) {
        // The reader went away: stop reading rows (the export's own `finally` records what was sent).
        await it.return?.();
        return n;
      }
    }
    ws.commit();
    await wb.commit();
    return n;
  } catch (err) {
    await it.return?.().catch(() => undefined);
    out.destroy(err as Error);
    throw err;
  }
}

/** A readable stream of the export in either format, for a reply: errors end the stream early (the reply is cut). */
export function exportStream(format: ExportFormat, sheet: string, rows: AsyncIterable<ExportRow>, header: readonly string[] | null = null): Readable {
  if (format === 'csv') return Readable.from(csvChunks(rows, header), { objectMode: false });
  const out = new PassThrough();
  writeXlsx(sheet, rows, out, header).catch(() => {
    // writeXlsx destroyed the stream with the error; the reply ends there.
  });
  return out;
}
