/**
 * `dashboard`: the command center's summary (tiles, eight indicators, children) of the city, the busiest district,
 * street and grid, through the command service the API calls (`CommandService.summary`: the per-node rollups), against
 * the same summary computed by GROUP BY over the raw cases (`CommandService.naiveSummary`) in the same run, at bench
 * volume (10 million persons, 5 million cases over twelve months). The two must agree figure for figure.
 */
import type { UserCaller } from '../src/db/caller.ts';
import { CommandService } from '../src/server/modules/command/service.ts';
import { busiestNode, callerAt, type Node } from './lib/callers.ts';
import { type BenchMain, row } from './lib/context.ts';
import { prepare } from './lib/dataset.ts';
import { serverVersions } from './lib/db.ts';
import type { Measure, Row } from './lib/report.ts';
import { latency, median, now, round } from './lib/stats.ts';

const TARGET_MS = 100;

function ms(values: number[]): Measure {
  const l = latency(values);
  return { median: round(median(values)), p95: round(l.p95), p99: round(l.p99), unit: 'ms', n: l.n };
}

/** The figures of a summary, without the instant it was computed at. */
function figures(s: { asOf: string } & Record<string, unknown>): string {
  const { asOf: _asOf, ...rest } = s;
  return JSON.stringify(rest);
}

export const main: BenchMain = async (ctx) => {
  const d = await prepare(ctx, { people: true, cases: true });
  const { b } = d;
  try {
    if (!d.asOf) throw new Error('bench: the dataset has no case history');
    // The history ends at the instant it was loaded; the dashboard is read as of then, over the 30 days before.
    const asOf = new Date(d.asOf);
    const service = new CommandService(b.db, b.config.timezone, () => asOf);
    const period = service.period({}, asOf);
    const { rows: city } = await b.admin.query<Node>(
      `select id::text as id, code, path::text as path, level, name_zh_hans as name from jurisdiction where level = 'city' and valid_to is null`,
    );
    const nodes: Node[] = [city[0]!, await busiestNode(b, 'district', 'cases'), await busiestNode(b, 'street', 'cases'), await busiestNode(b, 'grid', 'cases')];
    const caller: UserCaller = callerAt(city[0]!, 'leader');
    const reps = ctx.quick ? 8 : Number(ctx.options.reps ?? 40);
    const rows: Row[] = [];
    const all: number[] = [];
    const allBase: number[] = [];
    const notes: string[] = [];
    for (const node of nodes) {
      const { rows: cnt } = await b.admin.query<{ n: number }>('select count(*)::int as n from cases where path <@ $1::ltree', [node.path]);
      const q = { jurisdictionId: node.id, from: period.from, to: period.to };
      const times: number[] = [];
      let rolled = '';
      for (let i = 0; i < reps + 3; i++) {
        ctx.step(`${node.level} summary`, i, reps + 3);
        const t0 = now();
        const s = await service.summary(caller, q);
        const t = now() - t0;
        if (i >= 3) times.push(t);
        rolled = figures(s as unknown as { asOf: string } & Record<string, unknown>);
      }
      ctx.endStep();
      const baseReps = ctx.quick ? 2 : node.level === 'city' || node.level === 'district' ? 3 : 5;
      const baseTimes: number[] = [];
      let naive = '';
      for (let i = 0; i < baseReps; i++) {
        ctx.step(`${node.level} naive GROUP BY`, i, baseReps);
        const t0 = now();
        const s = await service.naiveSummary(caller, q);
        baseTimes.push(now() - t0);
        naive = figures(s as unknown as { asOf: string } & Record<string, unknown>);
      }
      ctx.endStep();
      const agree = rolled === naive;
      if (!agree) notes.push(`${node.level} ${node.code}: the rolled-up summary differs from the naive one`);
      all.push(...times);
      allBase.push(...baseTimes);
      rows.push(
        row(`${node.level} ${node.code}`, ms(times), ms(baseTimes), { text: `p95 < ${TARGET_MS} ms`, met: (m) => (m.p95 ?? Infinity) < TARGET_MS },
          `${cnt[0]?.n ?? 0} cases under the node; rollup and naive agree: ${agree ? 'yes' : 'NO'}`),
      );
    }
    const pooled = ms(all);
    const pooledBase = ms(allBase);
    notes.push(
      `Period ${period.from}..${period.to} (30 days ending at the history's end, ${d.asOf}); caller: a leader of the city; summaries of the city, the busiest district, street and grid.`,
      `Rollup: ${JSON.stringify(d.rollup)}.`,
    );
    return {
      machinePg: await serverVersions(b),
      db: `PostgreSQL (${b.name})`,
      volume: { persons: d.people?.persons ?? 0, cases: d.cases?.cases ?? 0, events: d.cases?.events ?? 0, clocks: d.cases?.clocks ?? 0, bytes: d.bytes },
      result: pooled,
      baseline: pooledBase,
      ratio: round(pooledBase.median / pooled.median),
      target: `p95 < ${TARGET_MS} ms at every level`,
      met: rows.every((r) => r.met === true),
      rows,
      notes,
    };
  } finally {
    await b.close();
  }
};
