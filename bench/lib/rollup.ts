/**
 * The command center keeps per-node aggregates of the cases (case_rollup, migration 0004). The bench loads cases in
 * bulk with triggers off, so the rollup is rebuilt afterwards through the module's own rebuild function, and its time is
 * reported. If no such function exists yet, the step says so and the dashboard bench measures what there is.
 */
import type { BenchContext } from './context.ts';
import { type BenchDb, functionExists, recordStage, sameSpec, stageRecord } from './db.ts';
import type { CasesStats } from './load-cases.ts';

export type RollupState =
  | { state: 'not needed' }
  | { state: 'missing'; note: string }
  | { state: 'fresh' | 'rebuilt'; fn: string; seconds: number; rows: number };

export async function rebuildRollup(b: BenchDb, cases: CasesStats | null, ctx: BenchContext, byMigration: { seconds: number } | null = null): Promise<RollupState> {
  const fns = await functionExists(b, '%rollup%rebuild%');
  if (fns.length === 0) {
    return { state: 'missing', note: 'no *rollup*rebuild* function in the schema yet: the rollup step is skipped (wire it when migration 0004 lands)' };
  }
  const fn = fns[0]!;
  const casesRec = await stageRecord(b, 'cases');
  const spec = { fn, casesLoadedAt: casesRec?.loadedAt ?? null, cases: cases?.cases ?? 0 };
  const rec = await stageRecord(b, 'rollup');
  if (sameSpec(rec?.spec, spec)) return { state: 'fresh', fn, seconds: rec!.seconds ?? 0, rows: Number(rec!.stats.rows ?? 0) };
  if (byMigration) {
    const { rows } = await b.admin.query<{ n: number }>('select count(*)::int as n from case_rollup');
    await b.admin.query('vacuum (analyze) case_rollup');
    await recordStage(b, 'rollup', spec, { rows: rows[0]?.n ?? 0, by: 'migration' }, byMigration.seconds);
    return { state: 'rebuilt', fn, seconds: byMigration.seconds, rows: rows[0]?.n ?? 0 };
  }
  ctx.log(`rebuilding the command center's rollup (${fn}) over the loaded cases`);
  const t0 = Date.now();
  const c = await b.admin.connect();
  let rows = 0;
  try {
    await c.query('begin');
    await c.query(`select set_config('app.scope_all', 'on', true), set_config('app.actor', 'system:bench', true)`);
    const r = await c.query<{ n: string }>(`select ${fn}()::text as n`);
    rows = Number(r.rows[0]?.n ?? 0);
    await c.query('commit');
    await c.query('vacuum (analyze) case_rollup');
  } catch (err) {
    await c.query('rollback').catch(() => {});
    throw err;
  } finally {
    c.release();
  }
  const seconds = (Date.now() - t0) / 1000;
  await recordStage(b, 'rollup', spec, { rows }, seconds);
  return { state: 'rebuilt', fn, seconds, rows };
}
