/**
 * The stored files of a data directory (uploads under `files/`, see storage.ts) as backup entries, and the swap that
 * puts restored files in place.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { assertValidStorageKey } from '../storage.ts';

/** Where LocalFileStorage keeps its objects for a data directory (as createContext sets it up). */
export function storageRoot(dataDir: string): string {
  return join(dataDir, 'files');
}

export function sha256(data: Buffer | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Every object key under the storage root, sorted. Dot-prefixed names are `put`'s temporary files (a write that
 * never finished) and are no objects; names no key could have are reported, not backed up.
 */
export async function listStoredKeys(root: string): Promise<{ keys: string[]; skipped: string[] }> {
  const keys: string[] = [];
  const skipped: string[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const key = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(join(dir, e.name), key);
      else if (e.isFile()) {
        try {
          assertValidStorageKey(key);
          keys.push(key);
        } catch {
          skipped.push(key);
        }
      }
    }
  };
  await walk(root, '');
  keys.sort();
  return { keys, skipped };
}

export async function readStored(root: string, key: string): Promise<Buffer> {
  return readFile(join(root, ...key.split('/')));
}

export async function hasStoredFiles(root: string): Promise<boolean> {
  return (await listStoredKeys(root)).keys.length > 0;
}

/**
 * Puts the restored files in place of the current ones: the old directory is renamed aside, the new one takes its
 * name, and the old one is deleted. A crash in between leaves both directories, named, on disk.
 */
export async function swapIn(root: string, staged: string): Promise<void> {
  const aside = `${root}.replaced-${Date.now()}`;
  const exists = await stat(root).then(
    () => true,
    () => false,
  );
  await mkdir(staged, { recursive: true });
  if (exists) await rename(root, aside);
  await rename(staged, root);
  if (exists) await rm(aside, { recursive: true, force: true });
}
