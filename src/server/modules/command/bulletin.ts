/**
 * The weekly bulletin (周報): a node's indicators for an ISO week beside the week before, rankings of its child nodes
 * and of the departments, and the attenuation chain. The figures come from the command service (`indicators`) and
 * from `attenuation.ts`; this file only gathers and orders them. `bulletin-html.ts` and `bulletin-xlsx.ts` present
 * the same `Bulletin`.
 */
import type { UserCaller } from '../../../db/caller.ts';
import { AppError } from '../../errors.ts';
import type { Names } from '../../i18n.ts';
import type { Attenuation, AttenuationService, LevelFigures } from './attenuation.ts';
import { INDICATOR_KEYS, type Indicator, type IndicatorKey } from './indicators.ts';
import type { NodeRef } from './queries.ts';
import { type CommandService, dayNumber, dayString, type IndicatorRow, type IndicatorTable, todayIn } from './service.ts';

/** What the bulletin needs of the command service: its indicator tables (wired in `analysis-routes.ts`). */
export type IndicatorSource = Pick<CommandService, 'indicators'>;

// ------------------------------------------------------------------------------------------------------ ISO weeks

export interface Week {
  /** `2025-W10` */
  id: string;
  year: number;
  week: number;
  /** Monday and Sunday, YYYY-MM-DD. */
  from: string;
  to: string;
}

const WEEK = /^(\d{4})-W(\d{2})$/;

/** Monday of ISO week 1: the week holding 4 January. */
function week1Monday(year: number): number {
  const jan4 = Date.UTC(year, 0, 4) / 86_400_000;
  const weekday = (new Date(jan4 * 86_400_000).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return jan4 - weekday;
}

/** The ISO week holding a day (YYYY-MM-DD). */
export function weekOf(day: string): Week {
  const d = dayNumber(day);
  if (d === null) throw new RangeError(`not a date: ${day}`);
  let year = Number(day.slice(0, 4)) + 1;
  while (week1Monday(year) > d) year -= 1;
  const week = Math.floor((d - week1Monday(year)) / 7) + 1;
  return weekAt(year, week);
}

function weekAt(year: number, week: number): Week {
  const monday = week1Monday(year) + (week - 1) * 7;
  return { id: `${year}-W${String(week).padStart(2, '0')}`, year, week, from: dayString(monday), to: dayString(monday + 6) };
}

/** `YYYY-Www` → the week, or 400 with field `week` (W53 only in years that have one). */
export function parseWeek(s: string): Week {
  const m = WEEK.exec(s);
  const bad = (detail: string) => new AppError('VALIDATION_FAILED', { field: 'week', params: { detail } });
  if (!m) throw bad('week must look like 2025-W09');
  const year = Number(m[1]);
  const week = Number(m[2]);
  if (year < 2000 || year > 2100) throw bad('week must be in the years 2000 to 2100');
  const weeks = weekOf(`${year}-12-28`).week;
  if (week < 1 || week > weeks) throw bad(`${year} has weeks W01 to W${weeks}`);
  return weekAt(year, week);
}

export function previousWeek(w: Week): Week {
  return weekOf(dayString(dayNumber(w.from)! - 7));
}

// ------------------------------------------------------------------------------------------------------ the bulletin

export interface RankedRow {
  rank: number;
  key: IndicatorRow['key'];
  /** Cases registered in the week: the cohort every rate but the registration rate is taken over. */
  registered: number;
  indicators: Indicator[];
}

export interface Bulletin {
  asOf: string;
  node: NodeRef;
  week: Week;
  previous: Week;
  indicators: Array<{ key: IndicatorKey; current: Indicator | null; previous: Indicator | null }>;
  children: RankedRow[];
  departments: RankedRow[];
  attenuation: { current: LevelFigures[]; previous: LevelFigures[] };
}

const indicatorOf = (row: IndicatorRow, key: IndicatorKey) => row.indicators.find((i) => i.key === key) ?? null;

/**
 * Rankings order by on-time closure rate (按期結案率, the headline figure of city bulletins), then closure rate, then
 * the cases registered; a row with no cases has no rate and comes last. Equal figures share a rank.
 */
export function rank(rows: IndicatorRow[], locale: keyof Names): RankedRow[] {
  const num = (r: IndicatorRow, k: IndicatorKey) => indicatorOf(r, k)?.value ?? -1;
  const registered = (r: IndicatorRow) => indicatorOf(r, 'closure_rate')?.denominator ?? 0;
  const sorted = [...rows].sort(
    (a, b) =>
      num(b, 'on_time_closure_rate') - num(a, 'on_time_closure_rate') ||
      num(b, 'closure_rate') - num(a, 'closure_rate') ||
      registered(b) - registered(a) ||
      a.key.name[locale].localeCompare(b.key.name[locale]),
  );
  const out: RankedRow[] = [];
  for (const [i, r] of sorted.entries()) {
    const prev = out[i - 1];
    const same =
      prev &&
      num(r, 'on_time_closure_rate') === num(sorted[i - 1]!, 'on_time_closure_rate') &&
      num(r, 'closure_rate') === num(sorted[i - 1]!, 'closure_rate') &&
      registered(r) === prev.registered;
    out.push({ rank: same ? prev.rank : i + 1, key: r.key, registered: registered(r), indicators: r.indicators });
  }
  return out;
}

export interface BulletinDeps {
  indicators: IndicatorSource;
  attenuation: AttenuationService;
  timezone: string;
  now: () => Date;
}

/** The last complete ISO week before today, in the city's time zone. */
export function lastCompleteWeek(timezone: string, now: Date): Week {
  return previousWeek(weekOf(todayIn(timezone, now)));
}

export async function collectBulletin(
  deps: BulletinDeps,
  caller: UserCaller,
  q: { jurisdiction?: string; week?: string },
  locale: keyof Names,
): Promise<Bulletin> {
  const week = q.week === undefined ? lastCompleteWeek(deps.timezone, deps.now()) : parseWeek(q.week);
  const previous = previousWeek(week);
  // The attenuation answers first: it resolves the node (404 outside the caller's subtree) and the default node.
  const chain: Attenuation = await deps.attenuation.attenuation(caller, {
    jurisdiction: q.jurisdiction,
    from: week.from,
    to: week.to,
    compareFrom: previous.from,
    compareTo: previous.to,
  });
  const jurisdictionId = chain.node.id;
  const [current, before, children, departments] = await Promise.all([
    deps.indicators.indicators(caller, { jurisdictionId, by: 'node', from: week.from, to: week.to }),
    deps.indicators.indicators(caller, { jurisdictionId, by: 'node', from: previous.from, to: previous.to }),
    deps.indicators.indicators(caller, { jurisdictionId, by: 'child', from: week.from, to: week.to }),
    deps.indicators.indicators(caller, { jurisdictionId, by: 'department', from: week.from, to: week.to }),
  ]);
  const nodeRow = (t: IndicatorTable) => t.rows[0] ?? null;
  return {
    asOf: current.asOf,
    node: chain.node,
    week,
    previous,
    indicators: INDICATOR_KEYS.map((key) => ({
      key,
      current: nodeRow(current) ? indicatorOf(nodeRow(current)!, key) : null,
      previous: nodeRow(before) ? indicatorOf(nodeRow(before)!, key) : null,
    })),
    children: rank(children.rows, locale),
    departments: rank(departments.rows, locale),
    attenuation: { current: chain.levels, previous: chain.compare ?? [] },
  };
}
