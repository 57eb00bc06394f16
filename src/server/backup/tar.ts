/**
 * A gzipped tar (POSIX ustar, with PAX headers for names past 100 bytes): the backup archive, so that an operator can
 * look inside with `tar tzf` and no dependency is needed. Only regular files are written; the reader skips anything
 * else. Entries are read whole into memory: the writer keeps every entry small (table data in pieces of a few MB).
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { createGunzip, createGzip, type Gzip } from 'node:zlib';

const BLOCK = 512;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, size: number, mtime: Date, type: '0' | 'x'): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(Math.floor(mtime.getTime() / 1000), 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(type, 156, 'ascii');
  h.write('ustar\u000000', 257, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

/** A PAX record `"<len> path=<name>\n"`, whose length counts its own digits. */
function paxPath(name: string): Buffer {
  const body = ` path=${name}\n`;
  const bodyLen = Buffer.byteLength(body);
  let len = bodyLen + 1;
  while (String(len).length + bodyLen !== len) len = String(len).length + bodyLen;
  return Buffer.from(`${len}${body}`, 'utf8');
}

function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

/** Writes `<path>.partial` and renames it to `path` on `finish()`: a failed backup leaves no archive that looks whole. */
export class TarGzWriter {
  private readonly file: WriteStream;
  private readonly gzip: Gzip;
  private readonly partial: string;
  private failed: Error | null = null;

  constructor(private readonly path: string) {
    this.partial = `${path}.partial`;
    this.file = createWriteStream(this.partial, { mode: 0o600 });
    this.gzip = createGzip({ level: 6 });
    this.gzip.pipe(this.file);
    const fail = (err: Error) => {
      this.failed ??= err;
    };
    this.file.on('error', fail);
    this.gzip.on('error', fail);
  }

  private async write(buf: Buffer): Promise<void> {
    if (this.failed) throw this.failed;
    if (!this.gzip.write(buf)) await once(this.gzip, 'drain');
  }

  async add(name: string, data: Buffer, mtime = new Date()): Promise<void> {
    if (Buffer.byteLength(name) > 100) {
      const pax = paxPath(name);
      await this.write(header(`PaxHeader/${name.slice(-80).replace(/^\/+/, '')}`, pax.length, mtime, 'x'));
      await this.write(pax);
      await this.write(padding(pax.length));
    }
    await this.write(header(name, data.length, mtime, '0'));
    await this.write(data);
    await this.write(padding(data.length));
  }

  /** Ends the archive, makes it durable and gives it its final name. */
  async finish(): Promise<void> {
    await this.write(Buffer.alloc(BLOCK * 2));
    this.gzip.end();
    await once(this.file, 'close');
    if (this.failed) throw this.failed;
    const fd = await open(this.partial, 'r');
    try {
      await fd.sync();
    } finally {
      await fd.close();
    }
    await rename(this.partial, this.path);
  }

  async abort(): Promise<void> {
    this.gzip.destroy();
    this.file.destroy();
    await rm(this.partial, { force: true });
  }
}

export interface TarEntry {
  name: string;
  data: Buffer;
}

export class TarFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TarFormatError';
  }
}

/** Pulls exact byte counts out of a stream of chunks. */
class ByteReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  constructor(private readonly source: AsyncIterator<Buffer>) {}

  async read(n: number): Promise<Buffer | null> {
    while (this.buffered < n) {
      let next: IteratorResult<Buffer>;
      try {
        next = await this.source.next();
      } catch (err) {
        throw new TarFormatError(`not a backup archive or damaged (${(err as Error).message})`);
      }
      if (next.done) return null;
      this.chunks.push(next.value);
      this.buffered += next.value.length;
    }
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = all.length > n ? [all.subarray(n)] : [];
    this.buffered = all.length - n;
    return all.subarray(0, n);
  }
}

function field(h: Buffer, start: number, len: number): string {
  const raw = h.subarray(start, start + len);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? len : end).toString('utf8');
}

function parseOctal(h: Buffer, start: number, len: number, what: string): number {
  const text = field(h, start, len).trim();
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError(`not a backup archive (bad ${what} in a tar header)`);
  return Number.parseInt(text, 8);
}

function paxRecords(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    const len = Number(data.subarray(i, space).toString('ascii'));
    if (space === -1 || !Number.isInteger(len) || len <= 0) throw new TarFormatError('not a backup archive (bad PAX header)');
    const record = data.subarray(space + 1, i + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    i += len;
  }
  return out;
}

/**
 * Every regular file of a gzipped tar, in order. `onBytes` reports how much of the (compressed) file has been read.
 * Throws TarFormatError on a file that is not a gzipped tar or ends early.
 */
export async function* readTarGz(path: string, onBytes?: (read: number) => void): AsyncGenerator<TarEntry> {
  const raw = createReadStream(path);
  if (onBytes) raw.on('data', () => onBytes(raw.bytesRead));
  const gunzip = createGunzip();
  raw.on('error', (err) => gunzip.destroy(err));
  raw.pipe(gunzip);
  const iterator = gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const reader = new ByteReader(iterator);
  let paxName: string | null = null;
  try {
    for (;;) {
      const h = await reader.read(BLOCK);
      if (!h) throw new TarFormatError('the archive ends early (no end-of-archive marker): it is incomplete');
      if (h.every((b) => b === 0)) return;
      const expected = parseOctal(h, 148, 8, 'checksum');
      let sum = 0;
      for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
      if (sum !== expected) throw new TarFormatError('not a backup archive or damaged (a tar header checksum is wrong)');
      const size = parseOctal(h, 124, 12, 'size');
      const type = String.fromCharCode(h[156]!);
      const data = await reader.read(size + padding(size).length);
      if (!data) throw new TarFormatError('the archive ends early inside an entry: it is incomplete');
      const body = Buffer.from(data.subarray(0, size));
      if (type === 'x') {
        paxName = paxRecords(body).get('path') ?? null;
        continue;
      }
      if (type !== '0' && type !== '\0') {
        paxName = null;
        continue;
      }
      const prefix = field(h, 345, 155);
      const name = paxName ?? (prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
      paxName = null;
      yield { name, data: body };
    }
  } finally {
    raw.destroy();
    gunzip.destroy();
  }
}
