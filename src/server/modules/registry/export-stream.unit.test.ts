import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { csvChunks, type ExportRow, writeXlsx } from './export-stream.ts';

/** Rows 0…n-1, counting how many were asked for. */
function rows(n: number, seen: { count: number }): AsyncGenerator<ExportRow> {
  return (async function* () {
    for (let i = 0; i < n; i++) {
      seen.count++;
      yield { id: i, name: `名字${i}`, note: i % 1000 === 0 ? '=SUM(A1)' : null };
    }
  })();
}

/** Resolves once `seen.count` has stopped moving: what a writer asks for before it waits on its reader. */
async function settled(seen: { count: number }): Promise<number> {
  let last = -1;
  for (let i = 0; i < 200 && seen.count !== last; i++) {
    last = seen.count;
    await new Promise((r) => setTimeout(r, 25));
  }
  return seen.count;
}

describe('csvChunks', () => {
  it('reads rows only as the reader asks for text, and writes every row once in order', async () => {
    const seen = { count: 0 };
    const stream = Readable.from(csvChunks(rows(100_000, seen)));
    const it = stream[Symbol.asyncIterator]();
    const first = String((await it.next()).value);
    expect(first.startsWith('\ufeffid,name,note\r\n0,名字0,\'=SUM(A1)\r\n1,名字1,\r\n')).toBe(true);
    expect(await settled(seen)).toBeLessThan(100_000);
    let text = first;
    for (let next = await it.next(); !next.done; next = await it.next()) text += String(next.value);
    const lines = text.trim().split('\r\n');
    expect(lines).toHaveLength(100_001);
    expect(lines[100_000]).toBe('99999,名字99999,');
  });

  it('names the columns of an empty export when it is told them', async () => {
    let text = '';
    for await (const c of csvChunks(rows(0, { count: 0 }), ['id', 'name'])) text += c;
    expect(text).toBe('\ufeffid,name\r\n');
  });
});

describe('writeXlsx', () => {
  it('stops reading rows while nobody reads the workbook, then writes them all in order', async () => {
    const total = 20_000;
    const seen = { count: 0 };
    const out = new PassThrough();
    const done = writeXlsx('rows', rows(total, seen), out);
    expect(await settled(seen)).toBeLessThan(total);
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    expect(await done).toBe(total);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.rowCount).toBe(total + 1);
    expect(ws.getRow(1).values).toEqual([undefined, 'id', 'name', 'note']);
    expect(ws.getRow(total + 1).getCell(1).value).toBe(total - 1);
    // A formula written as text stays text.
    expect(ws.getRow(2).getCell(3).value).toBe('=SUM(A1)');
  });
});
