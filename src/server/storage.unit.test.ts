import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertValidStorageKey, type FileStorage, InvalidStorageKeyError, LocalFileStorage } from './storage.ts';

// Needs no database: it runs in the pglite/postgres projects only because it lives under src/server.

function sandbox(): { outer: string; root: string; storage: FileStorage } {
  const outer = mkdtempSync(join(tmpdir(), 'gridloop-storage-'));
  const root = join(outer, 'uploads'); // created on first put
  return { outer, root, storage: new LocalFileStorage(root) };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s));

describe('LocalFileStorage', () => {
  it('stores and returns bytes under a case key, creating the directories', async () => {
    const { root, storage } = sandbox();
    const key = `cases/2026/11/${randomUUID()}.jpg`;
    const data = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31) & 0xff);
    expect(await storage.exists(key)).toBe(false);
    await storage.put(key, data);
    expect(await storage.exists(key)).toBe(true);
    expect(await storage.get(key)).toEqual(data);
    expect(listFiles(root)).toEqual([key]);
  });

  it('returns null / false for missing keys and treats directories as missing', async () => {
    const { storage } = sandbox();
    expect(await storage.get('cases/2026/11/missing.jpg')).toBeNull();
    await storage.put('cases/2026/11/a.jpg', bytes('a'));
    expect(await storage.get('cases/2026/11')).toBeNull();
    expect(await storage.exists('cases/2026')).toBe(false);
    expect(await storage.get('cases/2026/11/a.jpg/b')).toBeNull(); // a path through a file
    expect(await storage.exists('cases/2026/11/a.jpg/b')).toBe(false);
  });

  it('replaces an object whole and leaves no temporary files', async () => {
    const { root, storage } = sandbox();
    await storage.put('x/photo.png', bytes('first version, longer than the second'));
    await storage.put('x/photo.png', bytes('second'));
    expect(Buffer.from((await storage.get('x/photo.png'))!).toString()).toBe('second');
    expect(listFiles(root)).toEqual(['x/photo.png']);
  });

  it('ends concurrent writes to one key with exactly one of them, intact', async () => {
    const { root, storage } = sandbox();
    const versions = Array.from({ length: 12 }, (_, i) => bytes(String(i).repeat(10_000 + i)));
    await Promise.all(versions.map((v) => storage.put('race/k.webp', v)));
    const got = Buffer.from((await storage.get('race/k.webp'))!);
    expect(versions.some((v) => got.equals(v))).toBe(true);
    expect(listFiles(root)).toEqual(['race/k.webp']);
  });

  it('deletes idempotently', async () => {
    const { root, storage } = sandbox();
    await storage.put('d/a.jpg', bytes('a'));
    await storage.put('d/b.jpg', bytes('b'));
    await storage.delete('d/a.jpg');
    await storage.delete('d/a.jpg');
    await storage.delete('never/was.jpg');
    expect(await storage.get('d/a.jpg')).toBeNull();
    expect(await storage.exists('d/a.jpg')).toBe(false);
    expect(listFiles(root)).toEqual(['d/b.jpg']);
  });

  it('keeps uploads readable by the server process only', async () => {
    if (process.platform === 'win32') return;
    const { root, storage } = sandbox();
    await storage.put('p/a.jpg', bytes('a'));
    expect(statSync(join(root, 'p/a.jpg')).mode & 0o777).toBe(0o600);
  });

  it('fails, leaving nothing behind, when a key names an existing directory', async () => {
    const { root, storage } = sandbox();
    mkdirSync(join(root, 'cases/2026'), { recursive: true });
    await expect(storage.put('cases/2026', bytes('x'))).rejects.toThrow();
    expect(listFiles(root)).toEqual([]);
  });
});

describe('storage keys', () => {
  const bad = [
    '../etc/passwd',
    '../../../../etc/passwd',
    'cases/../../etc/passwd',
    'cases/..',
    '..',
    '/etc/passwd',
    'C:/Windows/win.ini',
    'cases\\..\\evil.jpg',
    '',
    'cases//a.jpg',
    'cases/./a.jpg',
    'cases/a.jpg/',
    '.hidden',
    'cases/.tmp',
    'a..b.jpg',
    'cases/2026/11/a b.jpg',
    'cases/2026/11/照片.jpg',
    'cases/a.jpg\0.png',
    'cases/%2e%2e/a.jpg',
    'x'.repeat(513),
  ];

  it.each(bad)('refuses %j everywhere, touching nothing outside the root', async (key) => {
    const { outer, root, storage } = sandbox();
    mkdirSync(root);
    writeFileSync(join(outer, 'secret'), 'do not read');
    expect(() => assertValidStorageKey(key)).toThrow(InvalidStorageKeyError);
    await expect(storage.put(key, bytes('pwned'))).rejects.toThrow(InvalidStorageKeyError);
    await expect(storage.get(key)).rejects.toThrow(InvalidStorageKeyError);
    await expect(storage.exists(key)).rejects.toThrow(InvalidStorageKeyError);
    await expect(storage.delete(key)).rejects.toThrow(InvalidStorageKeyError);
    expect(listFiles(outer)).toEqual(['secret']);
  });

  it('refuses to read ../secret from the root', async () => {
    const { outer, storage } = sandbox();
    writeFileSync(join(outer, 'secret'), 'do not read');
    await expect(storage.get('../secret')).rejects.toThrow(/invalid storage key/);
    expect(existsSync(join(outer, 'secret'))).toBe(true);
  });

  it.each(['cases/2026/11/3f0c1b2e-5d4a-4c1e-9a7b-0d2e8f6a1c3b.jpg', 'a', 'A-Z_0-9.v2.webp', 'x/y/z/w.png'])('accepts %j', (key) => {
    expect(() => assertValidStorageKey(key)).not.toThrow();
  });
});
