import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';

/**
 * Where uploaded files live. Keys are slash-separated relative names (`cases/2026/11/<uuid>.jpg`) with the semantics of
 * an object store (flat keys, idempotent delete, whole-object writes), so that S3/MinIO/OSS can replace the local
 * directory without touching callers.
 */
export interface FileStorage {
  put(key: string, data: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array | null>;
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
}

export class InvalidStorageKeyError extends Error {
  constructor(key: string, why: string) {
    super(`invalid storage key ${JSON.stringify(key.length > 100 ? `${key.slice(0, 100)}…` : key)}: ${why}`);
    this.name = 'InvalidStorageKeyError';
  }
}

// Segments of safe characters joined by single slashes: no leading slash (absolute path), no trailing or doubled
// slash, no backslash (a separator on Windows), nothing a shell, URL or object store would treat specially.
const KEY_PATTERN = /^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/;
const MAX_KEY_LENGTH = 512;

/**
 * Throws InvalidStorageKeyError unless the key is safe to map onto a path under the storage root. Segments may not
 * start with a dot: that rules out `.` and `..` and keeps keys apart from the dot-prefixed temporary files of `put`.
 */
export function assertValidStorageKey(key: string): void {
  if (key.length === 0) throw new InvalidStorageKeyError(key, 'empty');
  if (key.length > MAX_KEY_LENGTH) throw new InvalidStorageKeyError(key, `longer than ${MAX_KEY_LENGTH} characters`);
  if (!KEY_PATTERN.test(key)) {
    throw new InvalidStorageKeyError(key, 'only A-Z a-z 0-9 _ . - and single inner slashes are allowed');
  }
  if (key.includes('..') || key.split('/').some((s) => s.startsWith('.'))) {
    throw new InvalidStorageKeyError(key, 'no path segment may start with a dot or contain ".."');
  }
}

function errorCode(e: unknown): string | undefined {
  return e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

/** Files under a root directory, one file per key. */
export class LocalFileStorage implements FileStorage {
  private readonly root: string;

  constructor(rootDir: string) {
    this.root = resolve(rootDir);
  }

  /**
   * Writes atomically: readers see the old object or the new one, never a partial file, even across a crash. The data
   * is fsynced before the rename (otherwise a crash can leave the new name pointing at an empty file), and the
   * directory after it (so the rename itself survives).
   */
  async put(key: string, data: Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    const dir = dirname(path);
    const firstCreated = await mkdir(dir, { recursive: true });
    const tmp = join(dir, `.${randomUUID()}.tmp`);
    try {
      // 0o600: uploads are residents' personal data and only this process serves them.
      const file = await open(tmp, 'wx', 0o600);
      try {
        await file.writeFile(data);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(tmp, path);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    // New directories must reach the disk too, from the parent of the first one created down to the file's own.
    const toSync = [dir];
    if (firstCreated !== undefined) {
      for (let d = dir; d !== dirname(firstCreated); ) {
        d = dirname(d);
        toSync.push(d);
      }
    }
    for (const d of toSync) await syncDirectory(d);
  }

  async get(key: string): Promise<Uint8Array | null> {
    const path = this.pathOf(key);
    try {
      const buf = await readFile(path);
      // A plain Uint8Array view (no copy), so callers never come to depend on Buffer methods another backend lacks.
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (e) {
      // A directory (`cases/2026`) or a path through a file is not an object either.
      if (['ENOENT', 'ENOTDIR', 'EISDIR'].includes(errorCode(e) ?? '')) return null;
      throw e;
    }
  }

  /** Deleting a missing key is not an error, as in object stores, so retries are safe. */
  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await unlink(path);
    } catch (e) {
      if (['ENOENT', 'ENOTDIR'].includes(errorCode(e) ?? '')) return;
      throw e;
    }
  }

  async exists(key: string): Promise<boolean> {
    const path = this.pathOf(key);
    try {
      return (await stat(path)).isFile();
    } catch (e) {
      if (['ENOENT', 'ENOTDIR'].includes(errorCode(e) ?? '')) return false;
      throw e;
    }
  }

  private pathOf(key: string): string {
    assertValidStorageKey(key);
    const path = join(this.root, ...key.split('/'));
    // Belt and braces: the key rules already make escaping impossible, but this is the line that must never be crossed.
    if (!path.startsWith(this.root.endsWith(sep) ? this.root : this.root + sep)) throw new InvalidStorageKeyError(key, 'resolves outside the storage root');
    return path;
  }
}

/** fsync a directory so a rename or creation in it is durable. Windows cannot open directories; skip there. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(dir, 'r');
  } catch (e) {
    if (['EISDIR', 'EPERM', 'EACCES'].includes(errorCode(e) ?? '')) return;
    throw e;
  }
  try {
    await handle.sync();
  } catch (e) {
    if (!['EINVAL', 'EPERM', 'EBADF'].includes(errorCode(e) ?? '')) throw e;
  } finally {
    await handle.close();
  }
}
