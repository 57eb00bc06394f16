/**
 * Keeping the rollups: the fold job (every few seconds, one writer across server processes) and the rebuild from the
 * raw cases (after a bulk load, or when GRIDLOOP_TIMEZONE changed). The SQL lives in 0004_command.sql
 * (`command_fold`, `command_rollup_rebuild`); see the README for why the figures stay exact.
 */
import { sql } from 'kysely';
import { systemCaller } from '../../../db/caller.ts';
import type { Database } from '../../../db/database.ts';
import { startPeriodic } from '../../periodic.ts';

export interface FoldResult {
  /** False when another process held the fold's lock: it folds instead. */
  ran: boolean;
  /** Delta rows moved into the rollups. */
  deltas: number;
}

/** Moves the committed deltas into the rollups, in one transaction as the system. */
export async function foldRollups(db: Database): Promise<FoldResult> {
  return db.run(systemCaller('command-fold'), async (trx) => {
    const { rows } = await sql<{ n: number }>`select command_fold() as n`.execute(trx);
    const n = rows[0]?.n ?? 0;
    return n < 0 ? { ran: false, deltas: 0 } : { ran: true, deltas: n };
  });
}

/**
 * Recomputes every rollup from the raw cases, and derives the on-time columns of cases written in bulk. Holds off
 * case writers until it commits. A bulk loader may write cases with `app.bulk_load = on` (no deltas) and then call
 * this. Returns the number of rollup rows and the time it took.
 */
export async function rebuildRollups(db: Database): Promise<{ rows: number; ms: number }> {
  const t0 = Date.now();
  const rows = await db.runAsOwner('command-rebuild', async (trx) => {
    const { rows: r } = await sql<{ n: string }>`select command_rollup_rebuild()::text as n`.execute(trx);
    return Number(r[0]?.n ?? 0);
  });
  return { rows, ms: Date.now() - t0 };
}

/**
 * Days in the facts are the city's days: when GRIDLOOP_TIMEZONE differs from the zone the rollups were built in, the
 * stored zone is replaced and the rollups rebuilt, in one transaction. True when it rebuilt.
 */
export async function syncTimezone(db: Database, timezone: string): Promise<boolean> {
  return db.runAsOwner('command-timezone', async (trx) => {
    const { rows } = await sql<{ id: boolean }>`update command_setting set timezone = ${timezone}
      where timezone is distinct from ${timezone} returning id`.execute(trx);
    if (rows.length === 0) return false;
    await sql`select command_rollup_rebuild()`.execute(trx);
    return true;
  });
}

/** The fold as a background job; several server processes may run it (the fold's own lock picks one writer). */
export function startRollupFold(db: Database, intervalMs = 2000, onError?: (err: unknown) => void): () => void {
  return startPeriodic(() => foldRollups(db), intervalMs, onError);
}
