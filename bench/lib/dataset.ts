/**
 * The bench city at a requested volume, in a database that is reused between runs: the demo territory (`seed --demo
 * --grids N`), the basic data (load-people.ts) and twelve months of cases (load-cases.ts), then the latest migrations
 * and the command center's rollup. Each stage is loaded only when `bench_volume` says it holds another volume.
 */
import { seedDemo } from '../../src/demo/seed.ts';
import { ensureReferenceData } from '../../src/server/modules/cases/reference.ts';
import { IdentityService } from '../../src/server/modules/identity/service.ts';
import type { BenchContext } from './context.ts';
import { numberOption } from './context.ts';
import { type BenchDb, databaseSize, openBench, recordStage, sameSpec, stageRecord } from './db.ts';
import { type CasesStats, loadCases } from './load-cases.ts';
import { loadPeople, type PeopleStats } from './load-people.ts';
import { rebuildRollup, type RollupState } from './rollup.ts';
import { migrateFrozen, migrateLatest } from './schema.ts';
import { captureSnapshot } from './snapshot.ts';

export interface Volume {
  grids: number;
  persons: number;
  cases: number;
  seed: number;
}

export const FULL: Volume = { grids: 3000, persons: 10_000_000, cases: 5_000_000, seed: 1 };
export const QUICK: Volume = { grids: 300, persons: 50_000, cases: 20_000, seed: 1 };

export const DEMO_PASSWORD = 'gridloop-bench-password';

export function volumeFor(ctx: BenchContext): Volume {
  const base = ctx.quick ? QUICK : FULL;
  return {
    grids: numberOption(ctx, 'grids', base.grids),
    persons: numberOption(ctx, 'persons', base.persons),
    cases: numberOption(ctx, 'cases', base.cases),
    seed: numberOption(ctx, 'seed', base.seed),
  };
}

/** gridloop_bench for the full volume, gridloop_bench_quick for --quick; --db NAME for another. */
export function databaseFor(ctx: BenchContext): string {
  return ctx.options.db ?? (ctx.quick ? 'gridloop_bench_quick' : 'gridloop_bench');
}

export interface Dataset {
  b: BenchDb;
  volume: Volume;
  people: PeopleStats | null;
  cases: CasesStats | null;
  rollup: RollupState;
  /** pg_database_size after loading, bytes. */
  bytes: number;
  /** The instant the case history ends at (its "now"). */
  asOf: string | null;
}

/**
 * Opens the bench database and makes sure it holds the city and what `needs` asks for at the requested volume.
 * `override` names another database and city size (the locate bench's 50,000-grid city).
 */
export async function prepare(
  ctx: BenchContext,
  needs: { people?: boolean; cases?: boolean },
  override: { db?: string } & Partial<Volume> = {},
): Promise<Dataset> {
  const { db: dbName, ...sizes } = override;
  const volume = { ...volumeFor(ctx), ...sizes };
  const b = await openBench(dbName ?? databaseFor(ctx), { fresh: ctx.fresh });
  try {
    // The frozen schema first, recorded once (snapshot.ts), then the latest: if a draft migration changed since this
    // database applied it, it goes back to the frozen schema and forward again (rebase.ts) with the rows it holds.
    // Loading happens at the latest schema, so that no migration has to rewrite ten million rows afterwards.
    await migrateFrozen(b);
    await captureSnapshot(b);
    const { rebaseIfDraftsChanged } = (await import('./rebase.ts')) as typeof import('./rebase.ts');
    await rebaseIfDraftsChanged(b, ctx.log);
    const t0 = Date.now();
    const migrated = await migrateLatest(b, (m) => ctx.log(`  ${m}`));
    const byMigration = migrated.rebuiltRollup ? { seconds: (Date.now() - t0) / 1000 } : null;
    if (migrated.applied.length > 0) {
      ctx.log(`  migrated ${b.name}: ${migrated.applied.join(', ')} in ${((Date.now() - t0) / 1000).toFixed(0)} s; vacuuming what they rewrote`);
      await b.admin.query('vacuum (analyze) person, residence, cases, case_clock');
    }
    const citySpec = { grids: volume.grids, seed: volume.seed };
    const city = await stageRecord(b, 'city');
    if (!sameSpec(city?.spec, citySpec)) {
      const { rows } = await b.admin.query<{ n: number }>(`select count(*)::int as n from jurisdiction`);
      if ((rows[0]?.n ?? 0) > 0) throw new Error(`bench: ${b.name} holds another city (${JSON.stringify(city?.spec)}); run with --fresh`);
      ctx.log(`seeding the demo city with ${volume.grids} grids into ${b.name}`);
      const t0 = Date.now();
      const s = await seedDemo(b.db, new IdentityService(b.db), { seed: volume.seed, grids: volume.grids, password: DEMO_PASSWORD }, (p) =>
        ctx.step(`city ${p.step}`, p.done, p.total),
      );
      await ensureReferenceData(b.db);
      ctx.endStep();
      await recordStage(b, 'city', citySpec, { districts: s.districts, streets: s.streets, communities: s.communities, grids: s.grids }, (Date.now() - t0) / 1000);
    }
    let people: PeopleStats | null = null;
    if (needs.people) {
      const spec = { persons: volume.persons, seed: volume.seed };
      const rec = await stageRecord(b, 'people');
      if (sameSpec(rec?.spec, spec)) people = rec!.stats as unknown as PeopleStats;
      else {
        ctx.log(`loading ${volume.persons.toLocaleString('en-US')} persons into ${b.name} (reused by later runs)`);
        const t0 = Date.now();
        people = await loadPeople(b, spec, ctx.step, { workers: ctx.options.workers ? Number(ctx.options.workers) : undefined });
        ctx.endStep();
        const seconds = (Date.now() - t0) / 1000;
        await recordStage(b, 'people', spec, people, seconds);
        ctx.log(`  ${people.persons.toLocaleString('en-US')} persons in ${seconds.toFixed(0)} s (${JSON.stringify(people.phases)})`);
      }
    }
    let cases: CasesStats | null = null;
    let casesLoaded = false;
    if (needs.cases) {
      const spec = { cases: volume.cases, seed: volume.seed };
      const rec = await stageRecord(b, 'cases');
      if (sameSpec(rec?.spec, spec)) cases = rec!.stats as unknown as CasesStats;
      else {
        ctx.log(`loading ${volume.cases.toLocaleString('en-US')} cases into ${b.name} (reused by later runs)`);
        const t0 = Date.now();
        cases = await loadCases(b, spec, ctx.step, ctx.log);
        casesLoaded = true;
        ctx.endStep();
        const seconds = (Date.now() - t0) / 1000;
        await recordStage(b, 'cases', spec, cases, seconds);
        ctx.log(`  ${cases.cases.toLocaleString('en-US')} cases in ${seconds.toFixed(0)} s`);
      }
    }
    const rollup = needs.cases ? await rebuildRollup(b, cases, ctx, casesLoaded ? null : byMigration) : { state: 'not needed' as const };
    return { b, volume, people, cases, rollup, bytes: await databaseSize(b), asOf: cases?.asOf ?? null };
  } catch (err) {
    await b.close();
    throw err;
  }
}
