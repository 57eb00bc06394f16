import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { dependencyOrder } from './catalog.ts';
import { dataKeyId, type Manifest, readManifest, schemaProblems, signManifest } from './manifest.ts';
import { countRows, RowPieces } from './session.ts';
import { readTarGz, TarGzWriter } from './tar.ts';

const dir = mkdtempSync(join(tmpdir(), 'gridloop-tar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function entries(path: string) {
  const out: Array<[string, string]> = [];
  for await (const e of readTarGz(path)) out.push([e.name, e.data.toString('utf8')]);
  return out;
}

describe('the archive tar', () => {
  it('reads back what it wrote, long names included', async () => {
    const path = join(dir, 'a.tar.gz');
    const long = `files/cases/${'x'.repeat(200)}/photo.jpg`;
    const w = new TarGzWriter(path);
    await w.add('db/cases/000001.copy', Buffer.from('1\ta\n2\tb\n'));
    await w.add(long, Buffer.from('photo'));
    await w.add('empty', Buffer.alloc(0));
    await w.add('block', Buffer.alloc(512, 1));
    await w.finish();
    const got = await entries(path);
    expect(got.map(([n]) => n)).toEqual(['db/cases/000001.copy', long, 'empty', 'block']);
    expect(got[0]![1]).toBe('1\ta\n2\tb\n');
    expect(got[1]![1]).toBe('photo');
    expect(got[3]![1]).toBe('\u0001'.repeat(512));
  });

  it('refuses a file that is not a gzipped tar, or one cut short', async () => {
    const notGz = join(dir, 'not.tar.gz');
    writeFileSync(notGz, 'hello');
    await expect(entries(notGz)).rejects.toThrow(/not a backup archive or damaged/);
    const notTar = join(dir, 'nottar.tar.gz');
    writeFileSync(notTar, gzipSync(Buffer.alloc(1024, 65)));
    await expect(entries(notTar)).rejects.toThrow(/not a backup archive/);
    const path = join(dir, 'b.tar.gz');
    const w = new TarGzWriter(path);
    await w.add('one', Buffer.alloc(5000, 2));
    await w.finish();
    const cut = join(dir, 'cut.tar.gz');
    writeFileSync(cut, gzipSync(gunzipSync(readFileSync(path)).subarray(0, 2048)));
    await expect(entries(cut)).rejects.toThrow(/ends early/);
  });
});

describe('row pieces', () => {
  it('cut COPY text only at row ends and count the rows', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => `${i}\tvalue with an escaped \\n newline ${'z'.repeat(i % 50)}\n`).join('');
    const pieces: Array<[string, number]> = [];
    const p = new RowPieces(async (piece, n) => {
      pieces.push([piece.toString('utf8'), n]);
    }, 1000);
    const buf = Buffer.from(rows);
    for (let i = 0; i < buf.length; i += 333) await p.push(buf.subarray(i, i + 333));
    await p.end();
    expect(pieces.length).toBeGreaterThan(10);
    expect(pieces.map(([t]) => t).join('')).toBe(rows);
    for (const [t, n] of pieces) {
      expect(t.endsWith('\n')).toBe(true);
      expect(countRows(Buffer.from(t))).toBe(n);
    }
    expect(pieces.reduce((a, [, n]) => a + n, 0)).toBe(1000);
  });
});

describe('the manifest', () => {
  const key = Buffer.from('a-data-key-of-at-least-32-characters!!');
  const base: Manifest = {
    format: 'gridloop-backup',
    formatVersion: 1,
    gridloopVersion: '0.1.0',
    createdAt: '2026-11-26T00:00:00.000Z',
    source: { backend: 'pglite', database: 'postgres', serverVersion: '17' },
    schema: { version: 1, migrations: [{ version: 1, name: '0001_a.sql', checksum: 'c1' }] },
    dataKeyId: dataKeyId(key),
    tables: [],
    sequences: [],
    files: [],
  };

  it('is accepted with its key and refused when altered or made with another key', () => {
    const signed = Buffer.from(JSON.stringify(signManifest(base, key)));
    expect(readManifest(signed, key).gridloopVersion).toBe('0.1.0');
    const altered = Buffer.from(signed.toString().replace('0.1.0', '0.1.1'));
    expect(() => readManifest(altered, key)).toThrow(/altered/);
    expect(() => readManifest(signed, Buffer.from('another-data-key-of-32-characters-or-more'))).toThrow(/different GRIDLOOP_DATA_KEY/);
    expect(() => readManifest(Buffer.from('{'), key)).toThrow(/not valid JSON/);
  });

  it('names every schema difference', () => {
    const a = [
      { version: 1, name: '0001_a.sql', checksum: 'c1' },
      { version: 2, name: '0002_b.sql', checksum: 'c2' },
    ];
    expect(schemaProblems(a, a)).toEqual([]);
    const p = schemaProblems(a, [{ version: 1, name: '0001_a.sql', checksum: 'changed' }]);
    expect(p[0]).toBe('the archive has schema version 2, this database has 1');
    expect(p).toContain('migration 0002_b.sql is in the archive but not in this database');
    expect(p.some((x) => x.startsWith('migration 1 differs'))).toBe(true);
  });
});

describe('dependency order', () => {
  it('puts parents first and survives self references and cycles', () => {
    const t = (name: string) => ({ name, columns: ['id'], order: 'id' });
    const fk = (table: string, references: string) => ({ table, references, name: `${table}_${references}`, definition: '' });
    const order = dependencyOrder([t('c'), t('b'), t('a'), t('x'), t('y')], [fk('c', 'b'), fk('b', 'a'), fk('a', 'a'), fk('x', 'y'), fk('y', 'x')]);
    const names = order.map((o) => o.name);
    expect(names.indexOf('a')).toBeLessThan(names.indexOf('b'));
    expect(names.indexOf('b')).toBeLessThan(names.indexOf('c'));
    expect(names.sort()).toEqual(['a', 'b', 'c', 'x', 'y']);
  });
});
