/**
 * `gridloop restore`: checks the whole archive against its signed manifest first (nothing is touched when anything
 * differs), then loads every table in one transaction — foreign keys dropped and added again afterwards, which also
 * validates them; user triggers (the audit log's guards) off meanwhile — checks the loaded tables against the
 * manifest before committing, puts the stored files in place, and verifies the audit chain.
 */
import { createHash } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { systemCaller } from '../../db/caller.ts';
import type { Database } from '../../db/database.ts';
import { APPLICATION_NAME, quoteIdent } from '../../db/database.ts';
import { auditKey, recordAudit, sealAll, type VerifyResult, verifyAudit } from '../modules/audit/service.ts';
import { assertValidStorageKey, LocalFileStorage } from '../storage.ts';
import { assertSeesEverything } from './backup.ts';
import { orderedSelect, readCatalog, type TableInfo } from './catalog.ts';
import { hasStoredFiles, sha256, storageRoot, swapIn } from './files.ts';
import { BackupError, type Manifest, MANIFEST_NAME, type MigrationManifest, readManifest, schemaProblems, type TableManifest } from './manifest.ts';
import { type CopyIn, countRows, type Session, withSession } from './session.ts';
import { readTarGz } from './tar.ts';

export interface RestoreOptions {
  file: string;
  dataDir: string;
  dataKey: Buffer;
  /** Replace whatever the database and the storage hold. */
  force?: boolean;
  onProgress?: (done: number, total: number, label: string) => void;
}

export interface RestoreSummary {
  tables: number;
  rows: number;
  files: number;
  replaced: boolean;
  audit: VerifyResult;
  manifest: Manifest;
}

const PIECE = /^db\/([a-z_][a-z0-9_$]*)\/(\d{6})\.copy$/;

type Entry = { kind: 'piece'; table: string; n: number } | { kind: 'file'; key: string } | { kind: 'manifest' } | { kind: 'other' };

function classify(name: string): Entry {
  if (name === MANIFEST_NAME) return { kind: 'manifest' };
  const m = PIECE.exec(name);
  if (m) return { kind: 'piece', table: m[1]!, n: Number(m[2]) };
  if (name.startsWith('files/')) return { kind: 'file', key: name.slice('files/'.length) };
  return { kind: 'other' };
}

function short(hash: string): string {
  return hash.slice(0, 12);
}

/** Reads the whole archive and compares it with its manifest. Returns the manifest; throws naming every difference. */
export async function verifyArchive(file: string, dataKey: Buffer, onProgress?: RestoreOptions['onProgress']): Promise<Manifest> {
  const size = (await stat(file)).size;
  const tables = new Map<string, { hash: ReturnType<typeof createHash>; rows: number; pieces: number }>();
  const files = new Map<string, { sha256: string; size: number }>();
  const problems: string[] = [];
  let manifestData: Buffer | null = null;
  for await (const entry of readTarGz(file, (read) => onProgress?.(read, size, 'verify'))) {
    const e = classify(entry.name);
    if (manifestData && e.kind !== 'manifest') problems.push(`${entry.name} comes after ${MANIFEST_NAME}`);
    if (e.kind === 'manifest') manifestData = entry.data;
    else if (e.kind === 'piece') {
      const t = tables.get(e.table) ?? { hash: createHash('sha256'), rows: 0, pieces: 0 };
      tables.set(e.table, t);
      if (e.n !== t.pieces + 1) problems.push(`table ${e.table}: piece ${e.n} where piece ${t.pieces + 1} was due`);
      t.hash.update(entry.data);
      t.rows += countRows(entry.data);
      t.pieces = e.n;
    } else if (e.kind === 'file') files.set(e.key, { sha256: sha256(entry.data), size: entry.data.length });
    else problems.push(`unexpected entry ${entry.name}`);
  }
  if (!manifestData) throw new BackupError(`${file} has no ${MANIFEST_NAME}: it is incomplete or not a Gridloop backup`);
  const manifest = readManifest(manifestData, dataKey);
  for (const t of manifest.tables) {
    const got = tables.get(t.name);
    tables.delete(t.name);
    if (!got) {
      if (t.rows > 0) problems.push(`table ${t.name}: its ${t.rows} rows are missing from the archive`);
      continue;
    }
    const digest = got.hash.digest('hex');
    if (got.rows !== t.rows) problems.push(`table ${t.name}: ${got.rows} rows in the archive, the manifest says ${t.rows}`);
    if (digest !== t.sha256) problems.push(`table ${t.name}: its content differs from the manifest (SHA-256 ${short(digest)}…, manifest ${short(t.sha256)}…)`);
    if (got.pieces !== t.pieces) problems.push(`table ${t.name}: ${got.pieces} pieces in the archive, the manifest says ${t.pieces}`);
  }
  for (const name of tables.keys()) problems.push(`table ${name} is in the archive but not in the manifest`);
  for (const f of manifest.files) {
    const got = files.get(f.key);
    files.delete(f.key);
    if (!got) problems.push(`file ${f.key} is missing from the archive`);
    else if (got.sha256 !== f.sha256 || got.size !== f.size) {
      problems.push(`file ${f.key}: its content differs from the manifest (SHA-256 ${short(got.sha256)}…, manifest ${short(f.sha256)}…)`);
    }
  }
  for (const key of files.keys()) problems.push(`file ${key} is in the archive but not in the manifest`);
  if (problems.length) throw new BackupError(`${file} does not match its manifest; nothing was restored`, problems);
  return manifest;
}

/** A serving Gridloop keeps connections open; restoring under it would leave it with stale caches, or wait on it. */
async function assertAlone(s: { query<R>(t: string, p?: unknown[]): Promise<R[]> }): Promise<void> {
  const others = await s.query<{ app: string }>(
    `select distinct application_name as app from pg_stat_activity
     where datname = current_database() and pid <> pg_backend_pid() and application_name like 'gridloop:%'
       and application_name <> $1`,
    [APPLICATION_NAME],
  );
  if (others.length) {
    throw new BackupError(
      `other Gridloop processes are connected to this database (${others.map((o) => o.app.slice('gridloop:'.length)).join(', ')}): ` +
        'stop every Gridloop server that uses it before restoring',
    );
  }
}

function shapeProblems(tables: TableInfo[], expected: Map<string, TableManifest>): string[] {
  const problems: string[] = [];
  for (const t of tables) {
    const m = expected.get(t.name);
    if (!m) problems.push(`table ${t.name} is in this database but not in the archive`);
    else if (m.columns.join(',') !== t.columns.join(',')) {
      problems.push(`table ${t.name}: columns differ (archive ${m.columns.join(', ')}; database ${t.columns.join(', ')})`);
    }
  }
  for (const name of expected.keys()) if (!tables.some((t) => t.name === name)) problems.push(`table ${name} is in the archive but not in this database`);
  return problems;
}

/** Reads every table back as the backup did and compares it with the manifest. */
async function loadedProblems(
  s: Session,
  tables: TableInfo[],
  expected: Map<string, TableManifest>,
  onProgress: (done: number, label: string) => void,
): Promise<string[]> {
  const problems: string[] = [];
  let checked = 0;
  for (const t of tables) {
    const m = expected.get(t.name)!;
    const hash = createHash('sha256');
    let rows = 0;
    await s.copyOut(orderedSelect(t), async (piece, n) => {
      hash.update(piece);
      rows += n;
      checked += n;
      onProgress(checked, `check ${t.name}`);
    });
    const digest = hash.digest('hex');
    if (rows !== m.rows) problems.push(`table ${t.name}: ${rows} rows after loading, the manifest says ${m.rows}`);
    else if (digest !== m.sha256) {
      problems.push(`table ${t.name}: reads back differently from the manifest (SHA-256 ${short(digest)}…, manifest ${short(m.sha256)}…)`);
    }
  }
  return problems;
}

export async function restoreBackup(db: Database, opts: RestoreOptions): Promise<RestoreSummary> {
  const manifest = await verifyArchive(opts.file, opts.dataKey, opts.onProgress);
  const root = storageRoot(opts.dataDir);
  const filesPresent = await hasStoredFiles(root);
  const staged = `${root}.restoring-${process.pid}`;
  await rm(staged, { recursive: true, force: true });
  const stagedStorage = new LocalFileStorage(staged);
  const totalRows = manifest.tables.reduce((a, t) => a + t.rows, 0);
  const expected = new Map(manifest.tables.map((t) => [t.name, t]));
  const expectedFiles = new Map(manifest.files.map((f) => [f.key, f]));
  let replaced = false;
  try {
    await withSession(db, 'begin', async (s) => {
      await assertSeesEverything(s);
      await assertAlone(s);
      const [migrated] = await s.query<{ ok: boolean }>(`select to_regclass('schema_migration') is not null as ok`);
      if (!migrated?.ok) throw new BackupError('the target database has no schema yet: run `gridloop migrate` first');
      const target = await s.query<MigrationManifest>(`select version, name, checksum from schema_migration order by version`);
      const schema = schemaProblems(manifest.schema.migrations, target);
      if (schema.length) {
        throw new BackupError(
          `the archive (Gridloop ${manifest.gridloopVersion}) does not fit this database's schema; restore it with the ` +
            'Gridloop version that made it, then upgrade',
          schema,
        );
      }
      const catalog = await readCatalog(s, db.roles);
      const shape = shapeProblems(catalog.tables, expected);
      if (shape.length) throw new BackupError("the archive does not fit this database's tables", shape);

      // Holding data means something happened in it: every change Gridloop makes is audited, whereas what the
      // migrations and the reference defaults put in is not. Those rows go too: the archive has its own.
      const [audited] = await s.query<{ n: string }>(`select count(*)::text as n from audit_log`);
      const occupied = [
        ...(Number(audited?.n ?? 0) > 0 ? [`${audited?.n} audit rows`] : []),
        ...(filesPresent ? ['stored files'] : []),
      ];
      if (occupied.length && !opts.force) {
        throw new BackupError(
          `the target is not empty (${occupied.join(', ')}); restore into an empty database and data directory, or ` +
            'pass --force to replace everything in them',
        );
      }
      replaced = occupied.length > 0;

      for (const fk of catalog.foreignKeys) await s.query(`alter table ${quoteIdent(fk.table)} drop constraint ${quoteIdent(fk.name)}`);
      for (const t of catalog.tables) await s.query(`alter table ${quoteIdent(t.name)} disable trigger user`);
      await s.query(`truncate ${catalog.tables.map((t) => quoteIdent(t.name)).join(', ')}`);

      let copy = null as { table: string; stream: CopyIn } | null;
      let done = 0;
      let filesDone = 0;
      for await (const entry of readTarGz(opts.file)) {
        const e = classify(entry.name);
        if (e.kind === 'piece') {
          if (copy?.table !== e.table) {
            await copy?.stream.end();
            const columns = expected.get(e.table)!.columns.map(quoteIdent).join(', ');
            copy = { table: e.table, stream: await s.copyIn(`${quoteIdent(e.table)} (${columns})`) };
          }
          await copy.stream.write(entry.data);
          done += countRows(entry.data);
          opts.onProgress?.(done, totalRows, e.table);
        } else if (e.kind === 'file') {
          await copy?.stream.end();
          copy = null;
          const want = expectedFiles.get(e.key);
          assertValidStorageKey(e.key);
          if (!want || want.sha256 !== sha256(entry.data)) throw new BackupError(`file ${e.key} changed while it was being restored`);
          await stagedStorage.put(e.key, entry.data);
          opts.onProgress?.(++filesDone, manifest.files.length, 'files');
        }
      }
      await copy?.stream.end();

      for (const q of manifest.sequences) {
        if (!catalog.sequences.includes(q.name)) continue;
        await s.query(`select setval($1::regclass, $2::bigint, $3)`, [quoteIdent(q.name), q.lastValue, q.isCalled]);
      }
      for (const fk of catalog.foreignKeys) {
        await s.query(`alter table ${quoteIdent(fk.table)} add constraint ${quoteIdent(fk.name)} ${fk.definition}`);
      }
      for (const t of catalog.tables) await s.query(`alter table ${quoteIdent(t.name)} enable trigger user`);
      for (const v of catalog.materializedViews) await s.query(`refresh materialized view ${quoteIdent(v)}`);

      // The loaded tables must read back exactly as the manifest says, or nothing is committed.
      const differ = await loadedProblems(s, catalog.tables, expected, (d, l) => opts.onProgress?.(d, totalRows, l));
      if (differ.length) throw new BackupError('after loading, the database does not match the manifest; nothing was changed', differ);
    });
    await swapIn(root, staged);
  } catch (err) {
    await rm(staged, { recursive: true, force: true });
    throw err;
  }

  const key = auditKey(opts.dataKey);
  await sealAll(db, key);
  const audit = await verifyAudit(db, key);
  await db.run(systemCaller('restore'), (trx) =>
    recordAudit(trx, {
      action: 'backup.restore',
      details: { tables: manifest.tables.length, rows: totalRows, files: manifest.files.length, replaced, createdAt: manifest.createdAt, chainOk: audit.ok },
    }),
  );
  return { tables: manifest.tables.length, rows: totalRows, files: manifest.files.length, replaced, audit, manifest };
}
