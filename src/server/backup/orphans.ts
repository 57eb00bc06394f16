/**
 * Stored files that no row names. A report stores its photos before its transaction commits (so that a committed
 * attachment always has its file); when the transaction fails the service deletes them, but a process killed in
 * between leaves them behind: residents' photos with no case. This sweep deletes such files once they are older than
 * any transaction could be, and the temporary files of writes that never finished. Safe beside other server
 * processes: a file younger than the grace period is never touched, and deleting is idempotent.
 */
import { readdir, rmdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import { systemCaller } from '../../db/caller.ts';
import type { Database } from '../../db/database.ts';
import { startPeriodic } from '../periodic.ts';

export interface OrphanSweep {
  checked: number;
  deleted: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function list(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if (['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '')) return [];
    throw err;
  }
}

/** The `cases/YYYY/MM` directories to look at: the last `months` (photos are filed by the month they came in), or all. */
async function monthDirs(root: string, now: Date, months: number | undefined): Promise<string[]> {
  if (months !== undefined) {
    return Array.from({ length: months }, (_, i) => {
      const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
      return `cases/${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    });
  }
  const out: string[] = [];
  for (const y of await list(join(root, 'cases'))) for (const m of await list(join(root, 'cases', y))) out.push(`cases/${y}/${m}`);
  return out;
}

/**
 * Deletes case photos (under `cases/YYYY/MM/<case id>/`) that no attachment names and that were last written more
 * than `olderThanMs` ago.
 */
export async function sweepOrphanFiles(
  db: Database,
  root: string,
  opts: { olderThanMs: number; months?: number; now?: Date },
): Promise<OrphanSweep> {
  const now = opts.now ?? new Date();
  const cutoff = now.getTime() - opts.olderThanMs;
  const result: OrphanSweep = { checked: 0, deleted: [] };
  for (const month of await monthDirs(root, now, opts.months)) {
    const caseIds = (await list(join(root, month))).filter((d) => UUID.test(d));
    for (let i = 0; i < caseIds.length; i += 500) {
      const batch = caseIds.slice(i, i + 500);
      const named = await db.run(systemCaller('orphan-sweep'), async (trx) => {
        const { rows } = await sql<{ a: string; b: string }>`select storage_key as a, public_storage_key as b
          from case_attachment where case_id = any(${batch}::uuid[])`.execute(trx);
        return new Set(rows.flatMap((r) => [r.a, r.b]));
      });
      for (const caseId of batch) {
        const dir = join(root, month, caseId);
        const names = await list(dir);
        let left = names.length;
        for (const name of names) {
          const key = `${month}/${caseId}/${name}`;
          result.checked++;
          if (named.has(key)) continue;
          const info = await stat(join(dir, name)).catch(() => null);
          if (!info?.isFile() || info.mtimeMs > cutoff) continue;
          await unlink(join(dir, name)).catch(() => {});
          result.deleted.push(key);
          left--;
        }
        if (left === 0) await rmdir(dir).catch(() => {});
      }
    }
  }
  return result;
}

/** On start and then every hour: the photos of the current and the previous month, left for an hour at least. */
export function startOrphanSweeper(db: Database, root: string, onError?: (err: unknown) => void): () => void {
  const run = () => sweepOrphanFiles(db, root, { olderThanMs: 3_600_000, months: 2 });
  void run().catch((err) => onError?.(err));
  return startPeriodic(run, 3_600_000, onError);
}
