/**
 * The command center's read SQL. Figures are sums of case facts (`command_facts`, 0004_command.sql) over a node's
 * subtree, read two ways from the same measure definitions:
 * - rolled: folded totals (`case_rollup`, one row per node and key) + unfolded differences (`case_delta`) + for the
 *   overdue count the raw cases whose stage deadline fell in the current hour, all in ONE statement, so that the
 *   figures are those of one snapshot, the snapshot the case list would read;
 * - naive: the same facts of the raw cases, summed (tests and the benchmark's baseline).
 * Scope is RLS's job; the service checks that the node is inside the caller's subtrees.
 */
import { type RawBuilder, sql } from 'kysely';
import type { Tx } from '../../../db/database.ts';
import { OPEN_STATES } from '../../../domain/workflow.ts';
import type { Names } from '../../i18n.ts';
import { COUNTERS, type Counts, ROLE_ACTIONS } from './indicators.ts';

export type Level = 'city' | 'district' | 'street' | 'community' | 'grid';

export interface NodeRef {
  id: string;
  level: Level;
  code: string;
  name: Names;
}

export interface NodeRow extends NodeRef {
  path: string;
}

type JurisdictionRow = { id: string; level: Level; code: string; zhHant: string; zhHans: string; en: string; path: string };

const NODE_COLUMNS = sql`j.id::text as id, j.level, j.code, j.name_zh_hant as "zhHant", j.name_zh_hans as "zhHans",
  j.name_en as en, j.path::text as path`;

function nodeOf(r: JurisdictionRow): NodeRow {
  return { id: r.id, level: r.level, code: r.code, name: { 'zh-Hant': r.zhHant, 'zh-Hans': r.zhHans, en: r.en }, path: r.path };
}

export function refOf(n: NodeRow): NodeRef {
  return { id: n.id, level: n.level, code: n.code, name: n.name };
}

/**
 * Narrows the transaction's scope to a node inside the caller's subtrees (never wider: the service checks first).
 * Row-level security then selects the node's subtree through the GiST index on path: under RLS, an index serves only
 * the policy's operator and leakproof comparisons, and ltree's `<@` is not leakproof, so `c.path <@ node` alone would
 * filter every row of the caller's whole scope.
 */
export async function narrowTo(trx: Tx, path: string): Promise<void> {
  await sql`select set_config('app.scope', ${`{${path}}`}, true)`.execute(trx);
}

export async function nodeById(trx: Tx, id: string): Promise<NodeRow | null> {
  const { rows } = await sql<JurisdictionRow>`select ${NODE_COLUMNS} from jurisdiction j
    where j.id = ${id}::uuid and j.valid_to is null and j.level <> 'compound'`.execute(trx);
  return rows[0] ? nodeOf(rows[0]) : null;
}

/**
 * A node with its ancestors (root first, the node last) and its current children, in one round trip, through the
 * parent links (uuid equality is leakproof, so the indexes serve it under row-level security; ltree's operators are
 * not). Empty when the id names no current node.
 */
export async function familyOf(trx: Tx, id: string): Promise<{ chain: NodeRow[]; children: NodeRow[] }> {
  const { rows } = await sql<JurisdictionRow & { rel: 'chain' | 'child'; depth: number }>`with recursive up as (
      select j.id, j.parent_id, 0 as depth from jurisdiction j
      where j.id = ${id}::uuid and j.valid_to is null and j.level <> 'compound'
      union all
      select p.id, p.parent_id, up.depth + 1 from up join jurisdiction p on p.id = up.parent_id
    )
    select 'chain' as rel, up.depth, ${NODE_COLUMNS} from up join jurisdiction j on j.id = up.id
    union all
    select 'child', -1, ${NODE_COLUMNS} from jurisdiction j
    where j.parent_id = ${id}::uuid and j.valid_to is null and j.level <> 'compound'
      and exists (select 1 from up where up.depth = 0)
    order by 1, 2 desc, 5`.execute(trx);
  return {
    chain: rows.filter((r) => r.rel === 'chain').map(nodeOf),
    children: rows.filter((r) => r.rel === 'child').map(nodeOf),
  };
}

/** The arguments of `command_facts` for the case row `c`: one list, as in the migration. */
export function factsOf(tz: string): RawBuilder<unknown> {
  return sql`command_facts(${tz}::text, c.reported_at, c.channel, c.state, c.parked, c.stage_deadline_at, c.accepted_at,
    c.registered_at, c.dispatched_at, c.handled_at, c.closed_at, c.department_id, c.rework_count, c.extended, c.rating,
    c.callback_answer, c.closed_on_time, c.handled_on_time)`;
}

/**
 * One figure read from the facts: the fact rows of one kind whose key (day, bin) passes `where`. Several measures may
 * share a name (the overdue count is read from two bin widths). `only` keeps a measure to one path: the rolled path
 * counts overdue cases by deadline bins, the naive path by the deadline itself.
 */
export interface Measure {
  name: string;
  kind: string;
  where: (t: RawBuilder<unknown>) => RawBuilder<unknown>;
  only?: 'rolled' | 'naive';
}

/** What a period's figures are read against: days in the city's zone, and the instant for the overdue count. */
export interface Window {
  from: string;
  to: string;
  today: string;
  now: Date;
}

/** The open states as a literal list, so that the planner can use the partial index on open cases' paths. */
const OPEN_LIST = sql.raw(`(${OPEN_STATES.map((s) => `'${s}'`).join(', ')})`);

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * The bins of `date_bin(…, timestamptz '2000-01-01 00:00:00+00')` holding `now`: a UTC day and a UTC hour (the origin
 * is a UTC midnight, so the bins are whole UTC days and hours).
 */
export function binsOf(now: Date): { dayBin: Date; hourBin: Date } {
  const t = now.getTime();
  return { dayBin: new Date(Math.floor(t / DAY_MS) * DAY_MS), hourBin: new Date(Math.floor(t / HOUR_MS) * HOUR_MS) };
}

const inPeriod = (w: Window) => (t: RawBuilder<unknown>) => sql`${t}.day between ${w.from}::date and ${w.to}::date`;

/** The cohorts of the period: what every indicator is made of. */
export function cohortMeasures(w: Window): Measure[] {
  return [
    { name: 'accepted', kind: 'accepted', where: inPeriod(w) },
    { name: 'registered', kind: 'registered', where: inPeriod(w) },
  ];
}

/**
 * Overdue = open, not parked, stage deadline ≤ now (the case list's `light=red` on open states). Rolled: the day bins
 * that ended before today's bin, the hour bins of today's bin that ended before this hour's, and (raw, see `rawDue`)
 * the cases whose deadline lies in this hour up to now. The three ranges tile (−∞, now] exactly.
 */
export function dueMeasures(now: Date): Measure[] {
  const { dayBin, hourBin } = binsOf(now);
  return [
    { name: 'due', kind: 'due_day', where: (t) => sql`${t}.bin < ${dayBin}`, only: 'rolled' },
    { name: 'due', kind: 'due_hour', where: (t) => sql`${t}.bin >= ${dayBin} and ${t}.bin < ${hourBin}`, only: 'rolled' },
    { name: 'due', kind: 'due_hour', where: () => sql`c.stage_deadline_at <= ${now}`, only: 'naive' },
  ];
}

export function summaryMeasures(w: Window): Measure[] {
  return [
    { name: 'intake_period', kind: 'intake', where: inPeriod(w) },
    { name: 'intake_today', kind: 'intake', where: (t) => sql`${t}.day = ${w.today}::date` },
    { name: 'open', kind: 'open', where: () => sql`true` },
    ...dueMeasures(w.now),
    ...cohortMeasures(w),
  ];
}

export function departmentMeasures(w: Window): Measure[] {
  return [
    { name: 'accepted', kind: 'accepted_dept', where: inPeriod(w) },
    { name: 'registered', kind: 'registered_dept', where: inPeriod(w) },
  ];
}

export function trendMeasures(w: Window): Measure[] {
  return [
    { name: 'intake', kind: 'intake', where: inPeriod(w) },
    { name: 'registered', kind: 'registered', where: inPeriod(w) },
    { name: 'closed', kind: 'closed', where: inPeriod(w) },
  ];
}

/** Where the figures are summed: a node, and optionally its children (each delta or case counts for both). */
export interface Target {
  path: string;
  childPaths: string[];
}

export interface SumRow extends Counts {
  node: string;
  measure: string;
  sub: string;
  day: string;
}

const SUMS = sql.join(
  COUNTERS.map((c) => sql`sum(s.${sql.ref(c)})::int as ${sql.ref(c)}`),
  sql`, `,
);
const cols = (alias: string) => sql.join(COUNTERS.map((c) => sql`${sql.ref(`${alias}.${c}`)}`), sql`, `);
const ONE = sql.raw(COUNTERS.map((c) => (c === 'n' ? '1' : '0')).join(', '));

/** The node itself and, for a row deeper than the node, the child it lies under. */
function nodesOf(alias: string, t: Target): RawBuilder<unknown> {
  const p = sql.ref(`${alias}.path`);
  const below = t.path.split('.').length;
  const child = t.childPaths.length
    ? sql` union all select subpath(${p}, 0, ${below + 1})::text where nlevel(${p}) > ${below}`
    : sql``;
  return sql`(select ${t.path}::text${child}) x (node)`;
}

function hits(measures: Measure[], alias: string): RawBuilder<unknown> {
  const t = sql.ref(alias);
  return sql`(values ${sql.join(
    measures.map((m) => sql`(${m.name}::text, ${t}.kind = ${m.kind} and ${m.where(t)})`),
    sql`, `,
  )}) m (measure, hit)`;
}

function grouped(inner: RawBuilder<unknown>, byDay: boolean): RawBuilder<unknown> {
  return sql`select s.node, s.measure, s.sub, ${byDay ? sql`s.day::text` : sql`''::text`} as day, ${SUMS}
    from (${inner}) s group by 1, 2, 3, 4`;
}

/**
 * The rolled figures in one statement: folded totals of the node and its children, the unfolded deltas under the
 * node, and (when a measure named `due` is asked for) the raw cases due in the current hour up to now.
 */
export async function rolledSums(trx: Tx, t: Target, measures: Measure[], opts: { now: Date; byDay?: boolean }): Promise<SumRow[]> {
  const ms = measures.filter((m) => m.only !== 'naive');
  const nodes = [t.path, ...t.childPaths];
  const folded = ms.map(
    (m) => sql`select r.node, ${m.name}::text as measure, r.sub, r.day, ${cols('r')} from case_rollup r
      where r.node = any(${nodes}::text[]) and r.kind = ${m.kind} and ${m.where(sql.ref('r'))}`,
  );
  const unfolded = sql`select x.node, m.measure, d.sub, d.day, ${cols('d')} from case_delta d
    cross join lateral ${nodesOf('d', t)} cross join lateral ${hits(ms, 'd')}
    where d.path <@ ${t.path}::ltree and m.hit`;
  const parts = [...folded, unfolded];
  if (ms.some((m) => m.name === 'due')) {
    const { hourBin } = binsOf(opts.now);
    parts.push(sql`select x.node, 'due'::text, ''::text, '-infinity'::date, ${ONE} from cases c
      cross join lateral ${nodesOf('c', t)}
      where c.path <@ ${t.path}::ltree and c.stage_deadline_at >= ${hourBin} and c.stage_deadline_at <= ${opts.now}
        and not c.parked and c.state in ${OPEN_LIST}`);
  }
  const { rows } = await sql<SumRow>`${grouped(sql.join(parts, sql` union all `), opts.byDay ?? false)}`.execute(trx);
  return rows;
}

/** The same figures from the raw cases: every case's facts, summed. */
export async function naiveSums(trx: Tx, tz: string, t: Target, measures: Measure[], opts: { byDay?: boolean } = {}): Promise<SumRow[]> {
  const ms = measures.filter((m) => m.only !== 'rolled');
  const inner = sql`select x.node, m.measure, f.sub, f.day, ${cols('f')} from cases c
    cross join lateral ${factsOf(tz)} f
    cross join lateral ${nodesOf('c', t)} cross join lateral ${hits(ms, 'f')}
    where c.path <@ ${t.path}::ltree and m.hit`;
  const { rows } = await sql<SumRow>`${grouped(inner, opts.byDay ?? false)}`.execute(trx);
  return rows;
}

/**
 * The cohorts of the period per role, from the raw cases and their timelines: a case counts for a role when someone
 * acting in that role took one of the role's actions on it (ROLE_ACTIONS). Cases are first narrowed to those accepted
 * before the period's end and accepted or registered since its start (a case is accepted before it is registered).
 */
export async function roleSums(trx: Tx, tz: string, path: string, w: Window): Promise<SumRow[]> {
  const pairs = Object.entries(ROLE_ACTIONS).flatMap(([role, actions]) => actions.map((a) => `${role}:${a}`));
  const start = sql`(${w.from}::date::timestamp at time zone ${tz}::text)`;
  const end = sql`((${w.to}::date + 1)::timestamp at time zone ${tz}::text)`;
  // The facts once per case of the cohorts, then the roles that took part in each (once per case), then the sums.
  const { rows } = await sql<SumRow>`with cohort as materialized (
      select c.id, m.measure, ${cols('f')} from cases c
      cross join lateral ${factsOf(tz)} f
      cross join lateral ${hits(cohortMeasures(w), 'f')}
      where c.path <@ ${path}::ltree and m.hit and c.accepted_at < ${end}
        and (c.accepted_at >= ${start} or c.registered_at >= ${start})
    ), roles as materialized (
      select distinct ev.case_id, ev.actor_role as role from case_event ev
      where ev.case_id in (select id from cohort) and ev.actor_role || ':' || ev.action = any(${pairs}::text[])
    )
    ${grouped(sql`select r.role as node, s.measure, ''::text as sub, null::date as day, ${cols('s')} from cohort s join roles r on r.case_id = s.id`, false)}`.execute(trx);
  return rows;
}

export async function departmentNames(trx: Tx, ids: string[]): Promise<Map<string, Names>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sql<{ id: string; zhHant: string; zhHans: string; en: string }>`select d.id::text as id,
      d.name_zh_hant as "zhHant", d.name_zh_hans as "zhHans", d.name_en as en
    from department d where d.id = any(${ids}::uuid[])`.execute(trx);
  return new Map(rows.map((r) => [r.id, { 'zh-Hant': r.zhHant, 'zh-Hans': r.zhHans, en: r.en }]));
}

/** Light codes of the points endpoint: 0 green, 1 yellow, 2 red, 3 parked (as the case list's traffic light). */
export async function openPoints(trx: Tx, path: string, now: Date, limit: number) {
  const { rows } = await sql<{ lng: number; lat: number; light: number; id: string }>`select
      round(c.lng::numeric, 6)::float8 as lng, round(c.lat::numeric, 6)::float8 as lat,
      case when c.parked then 3 when c.stage_deadline_at <= ${now} then 2 when c.stage_yellow_at <= ${now} then 1 else 0 end
        as light,
      c.id::text as id
    from cases c where c.path <@ ${path}::ltree and c.state in ${OPEN_LIST}
    limit ${limit + 1}`.execute(trx);
  return rows;
}

/** Simplification per level of the children drawn, in degrees (about 50 m for districts down to 3 m for grids). */
const TOLERANCE: Record<Level, number> = { city: 0.0005, district: 0.0005, street: 0.0002, community: 0.0001, grid: 0.00003 };

export async function childShapes(trx: Tx, id: string) {
  const { rows } = await sql<JurisdictionRow & { geometry: string }>`select ${NODE_COLUMNS},
      st_asgeojson(st_simplifypreservetopology(j.geom, case j.level when 'district' then ${TOLERANCE.district}::float8
        when 'street' then ${TOLERANCE.street}::float8 when 'community' then ${TOLERANCE.community}::float8
        else ${TOLERANCE.grid}::float8 end), 6) as geometry
    from jurisdiction j
    where j.parent_id = ${id}::uuid and j.valid_to is null and j.level <> 'compound' and j.geom is not null
    order by j.code`.execute(trx);
  return rows.map((r) => ({ node: nodeOf(r), geometry: JSON.parse(r.geometry) as unknown }));
}
