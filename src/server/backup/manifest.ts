/**
 * The manifest of a backup archive: what it holds (every table's columns, row count and SHA-256 of its ordered
 * content, every sequence, every stored file's checksum), the schema it fits (the migrations with their checksums)
 * and the Gridloop version. It is signed with a key derived from GRIDLOOP_DATA_KEY, so an altered manifest is
 * refused, and it names the data key by a fingerprint: the audit chain and the encrypted personal fields in the
 * archive are only of use with that key.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const MANIFEST_NAME = 'manifest.json';
export const FORMAT = 'gridloop-backup';
export const FORMAT_VERSION = 1;

export interface TableManifest {
  name: string;
  /** The columns in the data, in order (generated columns are left out: the database computes them again). */
  columns: string[];
  rows: number;
  /** SHA-256 of the table's COPY text, ordered by primary key, in the archive's pieces `db/<name>/NNNNNN.copy`. */
  sha256: string;
  pieces: number;
}

export interface SequenceManifest {
  name: string;
  lastValue: string;
  isCalled: boolean;
}

export interface FileManifest {
  key: string;
  size: number;
  sha256: string;
}

export interface MigrationManifest {
  version: number;
  name: string;
  checksum: string;
}

export interface Manifest {
  format: typeof FORMAT;
  formatVersion: number;
  gridloopVersion: string;
  createdAt: string;
  source: { backend: 'pglite' | 'postgres'; database: string; serverVersion: string };
  schema: { version: number; migrations: MigrationManifest[] };
  /** Fingerprint of the data key the archive was made with (not the key). */
  dataKeyId: string;
  tables: TableManifest[];
  sequences: SequenceManifest[];
  files: FileManifest[];
  signature?: string;
}

function derive(dataKey: Buffer, label: string): Buffer {
  return createHmac('sha256', dataKey).update(label).digest();
}

export function dataKeyId(dataKey: Buffer): string {
  return derive(dataKey, 'gridloop-backup-key-id-v1').toString('hex').slice(0, 16);
}

function signatureOf(manifest: Manifest, dataKey: Buffer): string {
  const { signature: _ignored, ...unsigned } = manifest;
  return createHmac('sha256', derive(dataKey, 'gridloop-backup-manifest-v1')).update(JSON.stringify(unsigned)).digest('hex');
}

export function signManifest(manifest: Manifest, dataKey: Buffer): Manifest {
  return { ...manifest, signature: signatureOf(manifest, dataKey) };
}

export class BackupError extends Error {
  constructor(
    message: string,
    readonly problems: string[] = [],
  ) {
    super(problems.length ? `${message}:\n  - ${problems.slice(0, 20).join('\n  - ')}${problems.length > 20 ? `\n  - … and ${problems.length - 20} more` : ''}` : message);
    this.name = 'BackupError';
  }
}

/** Parses and authenticates a manifest; throws BackupError saying exactly why it cannot be trusted. */
export function readManifest(data: Buffer, dataKey: Buffer): Manifest {
  let m: Manifest;
  try {
    m = JSON.parse(data.toString('utf8')) as Manifest;
  } catch {
    throw new BackupError(`${MANIFEST_NAME} is not valid JSON: the archive is damaged`);
  }
  if (m.format !== FORMAT) throw new BackupError(`${MANIFEST_NAME} is not a Gridloop backup manifest`);
  if (m.formatVersion !== FORMAT_VERSION) {
    throw new BackupError(
      `the archive has format version ${m.formatVersion}; this Gridloop reads version ${FORMAT_VERSION} (made by Gridloop ${m.gridloopVersion})`,
    );
  }
  if (m.dataKeyId !== dataKeyId(dataKey)) {
    throw new BackupError(
      `the archive was made with a different GRIDLOOP_DATA_KEY (fingerprint ${m.dataKeyId}; this installation's is ` +
        `${dataKeyId(dataKey)}). The audit chain and the encrypted personal data need the source's key: set ` +
        'GRIDLOOP_DATA_KEY to it (or copy its data.key into GRIDLOOP_DATA_DIR) and restore again',
    );
  }
  const expected = Buffer.from(signatureOf(m, dataKey), 'hex');
  const given = Buffer.from(typeof m.signature === 'string' ? m.signature : '', 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new BackupError(`${MANIFEST_NAME} was altered after the backup was made (its signature does not match)`);
  }
  return m;
}

/** Problems that make the archive unfit for this database's schema (empty when it fits). */
export function schemaProblems(archive: MigrationManifest[], target: MigrationManifest[]): string[] {
  const version = (list: MigrationManifest[]) => list.at(-1)?.version ?? 0;
  const problems: string[] = [];
  const byVersion = new Map(target.map((m) => [m.version, m]));
  for (const a of archive) {
    const t = byVersion.get(a.version);
    if (!t) problems.push(`migration ${a.name} is in the archive but not in this database`);
    else if (t.checksum !== a.checksum || t.name !== a.name) problems.push(`migration ${a.version} differs (archive ${a.name}, database ${t.name}, checksums differ)`);
  }
  const inArchive = new Set(archive.map((m) => m.version));
  for (const t of target) if (!inArchive.has(t.version)) problems.push(`migration ${t.name} is in this database but not in the archive`);
  if (problems.length) {
    problems.unshift(`the archive has schema version ${version(archive)}, this database has ${version(target)}`);
  }
  return problems;
}
