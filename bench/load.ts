/**
 * `load`: builds (or reuses) the bench dataset — the demo city, ten million persons with households and residences,
 * five million cases over twelve months — and reports what it holds and the disk it takes. Baseline: the demo seeder
 * (`gridloop seed --demo --persons N`, src/demo/people.ts) writing a sample of persons into a scratch database of the
 * same city in the same run, against the bench loader on the same sample.
 */
import { seedPeople } from '../src/demo/people.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { IdentityService } from '../src/server/modules/identity/service.ts';
import { type BenchMain, numberOption, row } from './lib/context.ts';
import { DEMO_PASSWORD, prepare } from './lib/dataset.ts';
import { type BenchDb, dropDatabase, openBench, serverVersions } from './lib/db.ts';
import { loadPeople } from './lib/load-people.ts';
import type { Measure, Row } from './lib/report.ts';
import { migrateLatest } from './lib/schema.ts';
import { round } from './lib/stats.ts';

export const main: BenchMain = async (ctx) => {
  const d = await prepare(ctx, { people: true, cases: true });
  const { b } = d;
  try {
    const { rows: sizes } = await b.admin.query<{ t: string; bytes: string; n: string }>(
      `select c.relname as t, pg_total_relation_size(c.oid)::text as bytes, c.reltuples::bigint::text as n from pg_class c
       where c.relname in ('building', 'household', 'person', 'residence', 'cases', 'case_event', 'case_clock', 'case_rollup') order by 1`,
    );
    const size = Object.fromEntries(sizes.map((s) => [s.t, Number(s.bytes)]));
    const peopleBytes = ['building', 'household', 'person', 'residence'].reduce((t, k) => t + (size[k] ?? 0), 0);
    const casesBytes = ['cases', 'case_event', 'case_clock', 'case_rollup'].reduce((t, k) => t + (size[k] ?? 0), 0);

    // Both loaders on the same sample, each into a scratch database of the same city, one after the other.
    const sample = numberOption(ctx, 'sample', ctx.quick ? 20_000 : 1_000_000);
    const scratchName = `${b.name}_loadcmp`;
    const rate = async (label: string, fn: (s: BenchDb) => Promise<number>): Promise<number> => {
      const scratch = await openBench(scratchName, { fresh: true });
      try {
        await migrateLatest(scratch);
        await seedDemo(scratch.db, new IdentityService(scratch.db), { seed: d.volume.seed, grids: d.volume.grids, password: DEMO_PASSWORD });
        ctx.log(`${label}: ${sample.toLocaleString('en-US')} persons into ${scratchName}`);
        const t0 = Date.now();
        const n = await fn(scratch);
        ctx.endStep();
        return n / ((Date.now() - t0) / 1000);
      } finally {
        await scratch.close();
        await dropDatabase(scratchName);
      }
    };
    const seederRate = await rate('the demo seeder (seedPeople)', async (s) => {
      const p = await seedPeople(s.db, { seed: d.volume.seed, persons: sample, dataKey: s.config.dataKey }, (x) => ctx.step('seedPeople', x.done, x.total));
      return p.persons;
    });
    const loaderRate = await rate('the bench loader', async (s) => (await loadPeople(s, { persons: sample, seed: d.volume.seed }, ctx.step)).persons);
    const loader: Measure = { median: round(loaderRate), unit: 'persons/s' };
    const seeder: Measure = { median: round(seederRate), unit: 'persons/s' };
    const full: Measure = { median: d.people?.personsPerSecond ?? 0, unit: 'persons/s' };
    const rows: Row[] = [
      row(`bench loader vs demo seeder, ${sample.toLocaleString('en-US')} persons each`, loader, seeder, undefined,
        "each into an empty scratch database of the same city, in this run; the loader's time includes building the indexes and VACUUM (ANALYZE), the seeder maintains its indexes as it goes"),
      row(`the bench dataset: ${(d.people?.persons ?? 0).toLocaleString('en-US')} persons (rows, indexes, vacuum)`, full, null, undefined,
        `loaded ${d.people ? 'earlier' : ''} in phases ${JSON.stringify(d.people?.phases)} (seconds)`),
      row('disk per person (buildings, households, persons, residences with indexes)', { median: round(peopleBytes / Math.max(1, d.people?.persons ?? 1)), unit: 'bytes' }, null),
      row('disk per case (cases, timeline, clocks, rollup)', { median: round(casesBytes / Math.max(1, d.cases?.cases ?? 1)), unit: 'bytes' }, null),
      row('database size', { median: round(d.bytes / 2 ** 30), unit: 'GiB' }, null),
    ];
    return {
      machinePg: await serverVersions(b),
      db: `PostgreSQL (${b.name})`,
      volume: { ...d.volume, households: d.people?.households ?? 0, events: d.cases?.events ?? 0, clocks: d.cases?.clocks ?? 0, bytes: d.bytes },
      result: loader,
      baseline: seeder,
      ratio: rows[0]!.ratio,
      target: 'faster than the demo seeder at the same volume',
      met: null,
      rows,
      notes: [
        `Table sizes (bytes, with indexes): ${sizes.map((s) => `${s.t} ${Number(s.bytes).toLocaleString('en-US')} (~${Number(s.n).toLocaleString('en-US')} rows)`).join('; ')}.`,
        `Cases: ${JSON.stringify(d.cases)}.`,
        `Rollup: ${JSON.stringify(d.rollup)}.`,
      ],
    };
  } finally {
    await b.close();
  }
};
