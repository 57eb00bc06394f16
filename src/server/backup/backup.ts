/**
 * `gridloop backup`: the database and the stored files in one gzipped tar with a signed manifest. The same logical
 * format on both backends (COPY text of every table in dependency order), so an embedded database can also be
 * restored into PostgreSQL. On PostgreSQL it runs beside a serving Gridloop: one repeatable-read snapshot gives a
 * consistent database, and the files are listed after the snapshot was taken, so every file a backed-up row names is
 * there (files of later rows may be too; they are harmless).
 */
import { createHash } from 'node:crypto';
import { systemCaller } from '../../db/caller.ts';
import type { Database } from '../../db/database.ts';
import { quoteIdent } from '../../db/database.ts';
import { recordAudit } from '../modules/audit/service.ts';
import { orderedSelect, readCatalog } from './catalog.ts';
import { listStoredKeys, readStored, sha256, storageRoot } from './files.ts';
import { dataKeyId, FORMAT, FORMAT_VERSION, type Manifest, MANIFEST_NAME, type MigrationManifest, signManifest, type TableManifest } from './manifest.ts';
import { withSession } from './session.ts';
import { TarGzWriter } from './tar.ts';

export interface BackupOptions {
  out: string;
  dataDir: string;
  dataKey: Buffer;
  version: string;
  onProgress?: (done: number, total: number, label: string) => void;
}

export interface BackupSummary {
  file: string;
  tables: number;
  rows: number;
  files: number;
  bytes: number;
  /** Files on disk with names no storage key can have: not in the archive. */
  skipped: string[];
  manifest: Manifest;
}

export function pieceName(table: string, n: number): string {
  return `db/${table}/${String(n).padStart(6, '0')}.copy`;
}

/** Refuses early, in plain words, when this connection would see only what row-level security lets it. */
export async function assertSeesEverything(s: { query<R>(t: string, p?: unknown[]): Promise<R[]> }): Promise<void> {
  const [me] = await s.query<{ name: string; bypass: boolean }>(
    `select session_user as name, rolsuper or rolbypassrls as bypass from pg_roles where rolname = session_user`,
  );
  if (!me?.bypass) {
    throw new Error(
      `backup and restore read and write every row, past row-level security, but ${me?.name ?? 'this user'} does not ` +
        `bypass it. Connect as a superuser, or as the database owner after ALTER ROLE ${me?.name ?? '…'} BYPASSRLS;`,
    );
  }
}

export async function createBackup(db: Database, opts: BackupOptions): Promise<BackupSummary> {
  const tar = new TarGzWriter(opts.out);
  let bytes = 0;
  const add = async (name: string, data: Buffer) => {
    bytes += data.length;
    await tar.add(name, data);
  };
  try {
    const snapshot = await withSession(
      db,
      db.kind === 'postgres' ? 'begin isolation level repeatable read read only' : 'begin read only',
      async (s) => {
        await assertSeesEverything(s);
        const [server] = await s.query<{ v: string }>(`select current_setting('server_version') as v`);
        const migrations = await s.query<MigrationManifest>(
          `select version, name, checksum from schema_migration order by version`,
        );
        const catalog = await readCatalog(s, db.roles);
        const counts = new Map<string, number>();
        for (const t of catalog.tables) {
          const [c] = await s.query<{ n: string }>(`select count(*)::text as n from ${quoteIdent(t.name)}`);
          counts.set(t.name, Number(c?.n ?? 0));
        }
        const total = [...counts.values()].reduce((a, b) => a + b, 0);
        let done = 0;
        const tables: TableManifest[] = [];
        for (const t of catalog.tables) {
          const hash = createHash('sha256');
          let rows = 0;
          let pieces = 0;
          await s.copyOut(orderedSelect(t), async (piece, n) => {
            hash.update(piece);
            rows += n;
            pieces += 1;
            await add(pieceName(t.name, pieces), piece);
            done += n;
            opts.onProgress?.(done, total, t.name);
          });
          tables.push({ name: t.name, columns: t.columns, rows, sha256: hash.digest('hex'), pieces });
        }
        // Read after the tables: a sequence is never behind the rows of the snapshot, so restored ids never collide.
        const sequences = [];
        for (const name of catalog.sequences) {
          const [v] = await s.query<{ last: string; called: boolean }>(
            `select last_value::text as last, is_called as called from ${quoteIdent(name)}`,
          );
          sequences.push({ name, lastValue: v!.last, isCalled: v!.called });
        }
        return { server: server?.v ?? '', migrations, tables, sequences };
      },
    );

    // After the snapshot: every file that a row in it names was written (and fsynced) before that row committed.
    const root = storageRoot(opts.dataDir);
    const { keys, skipped } = await listStoredKeys(root);
    const files = [];
    for (const [i, key] of keys.entries()) {
      let data: Buffer;
      try {
        data = await readStored(root, key);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // deleted since it was listed
        throw err;
      }
      await add(`files/${key}`, data);
      files.push({ key, size: data.length, sha256: sha256(data) });
      opts.onProgress?.(i + 1, keys.length, 'files');
    }

    const manifest = signManifest(
      {
        format: FORMAT,
        formatVersion: FORMAT_VERSION,
        gridloopVersion: opts.version,
        createdAt: new Date().toISOString(),
        source: { backend: db.kind, database: db.name, serverVersion: snapshot.server },
        schema: { version: snapshot.migrations.at(-1)?.version ?? 0, migrations: snapshot.migrations },
        dataKeyId: dataKeyId(opts.dataKey),
        tables: snapshot.tables,
        sequences: snapshot.sequences,
        files,
      },
      opts.dataKey,
    );
    const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2), 'utf8');
    await add(MANIFEST_NAME, manifestBytes);
    await tar.finish();

    const rows = snapshot.tables.reduce((a, t) => a + t.rows, 0);
    await db.run(systemCaller('backup'), (trx) =>
      recordAudit(trx, {
        action: 'backup.create',
        details: { tables: snapshot.tables.length, rows, files: files.length, manifestSha256: sha256(manifestBytes) },
      }),
    );
    return { file: opts.out, tables: snapshot.tables.length, rows, files: files.length, bytes, skipped, manifest };
  } catch (err) {
    await tar.abort();
    throw err;
  }
}
