import { sql } from 'kysely';
import { startPeriodic } from '../server/periodic.ts';
import { type Database, quoteIdent } from './database.ts';

/**
 * Refreshes the planner's statistics of every table. PostgreSQL's autovacuum does this by itself; the embedded PGlite
 * has no autovacuum, and a table it never analyzed is planned as if it were nearly empty: after the demo seed, a name
 * search over 50,000 persons took 25 s instead of a fraction of one (nested loops over whole tables). So bulk writers
 * (the demo seed, imports) call this when they end, and an embedded server also runs it periodically.
 */
export async function analyzeAll(db: Database): Promise<void> {
  await analyze(db, 'analyze');
}

/** ANALYZE of some tables, as their owner: after a bulk write, so that the planner sees what is there now. */
export async function analyzeTables(db: Database, tables: readonly string[]): Promise<void> {
  if (tables.length > 0) await analyze(db, `analyze ${tables.map(quoteIdent).join(', ')}`);
}

async function analyze(db: Database, statement: string): Promise<void> {
  await db.runAsOwner('maintenance', async (trx) => {
    await sql.raw(statement).execute(trx);
  });
}

/** On the embedded database only: `analyzeAll` every `intervalMs` (PostgreSQL has autovacuum). */
export function startEmbeddedAnalyze(db: Database, intervalMs: number, onError: (err: unknown) => void): () => void {
  if (db.kind !== 'pglite') return () => {};
  return startPeriodic(() => analyzeAll(db), intervalMs, onError);
}
