/**
 * The command center's figures for a node of the caller's subtree and a period: the summary (tiles, indicators,
 * children), the trend, the open cases as points, the children's outlines and the indicator tables. Reads run in one
 * transaction as the caller (RLS scopes every row); the node must lie in the subtree of an assignment whose role may
 * read the command center, otherwise it is 404 like an unknown id.
 */
import type { Role, UserCaller } from '../../../db/caller.ts';
import type { Database, Tx } from '../../../db/database.ts';
import { isUuid } from '../../../domain/ids.ts';
import { CHANNELS, type Channel } from '../../../domain/workflow.ts';
import { AppError } from '../../errors.ts';
import type { Names } from '../../i18n.ts';
import {
  addCounts,
  type Cohorts,
  type Counts,
  emptyCohorts,
  INDICATOR_ROLES,
  type Indicator,
  indicatorsOf,
  ROLE_NAMES,
} from './indicators.ts';
import * as q from './queries.ts';
import { syncTimezone } from './rollup.ts';

/** Who may read the command center (policy `command.read`); see the README for why not grid workers or departments. */
export const COMMAND_ROLES: readonly Role[] = ['admin', 'leader', 'shift_lead', 'dispatcher', 'intake_clerk'];

/** The longest period a request may ask for, in days. */
export const MAX_PERIOD_DAYS = 366;
/** Days in the default period, ending today. */
export const DEFAULT_PERIOD_DAYS = 30;
/** The points endpoint answers at most this many open cases (and says when it cut). */
export const MAX_POINTS = 200_000;

const DAY_MS = 86_400_000;

export interface PeriodQuery {
  jurisdictionId?: string;
  from?: string;
  to?: string;
}

export type IndicatorsBy = 'child' | 'department' | 'role' | 'node';

export interface IndicatorsQuery extends PeriodQuery {
  by: IndicatorsBy;
}

export interface Period {
  from: string;
  to: string;
}

export interface IndicatorRow {
  key: { kind: 'node' | 'department' | 'role'; id: string; name: Names };
  indicators: Indicator[];
}

export interface IndicatorTable {
  asOf: string;
  period: Period;
  by: IndicatorsBy;
  node: q.NodeRef;
  rows: IndicatorRow[];
}

export interface ChildFigures {
  node: q.NodeRef;
  open: number;
  overdue: number;
  intake: number;
  indicators: Indicator[];
}

export interface Summary {
  asOf: string;
  period: Period;
  node: q.NodeRef;
  ancestors: q.NodeRef[];
  tiles: {
    intakeToday: { total: number; byChannel: Record<Channel, number> };
    open: number;
    overdue: number;
    onTimeClosureRate: Indicator;
    satisfactionRate: Indicator;
  };
  indicators: Indicator[];
  children: ChildFigures[];
}

/** A day as a number of days since 1970-01-01; null unless a real calendar date `YYYY-MM-DD`. */
export function dayNumber(s: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return null;
  const t = Date.UTC(Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10)));
  return new Date(t).toISOString().slice(0, 10) === s ? t / DAY_MS : null;
}

export function dayString(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** Today in the city's zone, `YYYY-MM-DD`. */
export function todayIn(timezone: string, now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** Per node path: the figures of the summary, from the summed rows. */
interface NodeFigures {
  intakeToday: Map<string, number>;
  intake: number;
  open: number;
  overdue: number;
  cohorts: Cohorts;
}

function figuresByNode(rows: q.SumRow[]): Map<string, NodeFigures> {
  const out = new Map<string, NodeFigures>();
  for (const r of rows) {
    let f = out.get(r.node);
    if (!f) {
      f = { intakeToday: new Map(), intake: 0, open: 0, overdue: 0, cohorts: emptyCohorts() };
      out.set(r.node, f);
    }
    switch (r.measure) {
      case 'intake_today':
        f.intakeToday.set(r.sub, (f.intakeToday.get(r.sub) ?? 0) + r.n);
        break;
      case 'intake_period':
        f.intake += r.n;
        break;
      case 'open':
        f.open += r.n;
        break;
      case 'due':
        f.overdue += r.n;
        break;
      case 'accepted':
      case 'registered':
        addCounts(f.cohorts[r.measure], r as Counts);
        break;
    }
  }
  return out;
}

function emptyFigures(): NodeFigures {
  return { intakeToday: new Map(), intake: 0, open: 0, overdue: 0, cohorts: emptyCohorts() };
}

export class CommandService {
  private timezoneChecked: Promise<boolean> | null = null;

  constructor(
    private readonly db: Database,
    private readonly timezone: string,
    /** Injectable clock, shared with the case service so that "overdue" means what the case list means. */
    readonly now: () => Date = () => new Date(),
  ) {}

  /** Brings the rollups to the configured zone once (a rebuild when it changed). Called at start and before reads. */
  init(): Promise<boolean> {
    this.timezoneChecked ??= syncTimezone(this.db, this.timezone).catch((err: unknown) => {
      this.timezoneChecked = null;
      throw err;
    });
    return this.timezoneChecked;
  }

  /** The period asked for, or the last 30 days ending today; 400 PERIOD_INVALID for impossible ones. */
  period(query: { from?: string; to?: string }, now = this.now()): Period & { today: string } {
    const today = todayIn(this.timezone, now);
    const to = query.to ?? today;
    const toN = dayNumber(to);
    if (toN === null) throw new AppError('PERIOD_INVALID', { field: 'to', params: { detail: to } });
    const from = query.from ?? dayString(toN - DEFAULT_PERIOD_DAYS + 1);
    const fromN = dayNumber(from);
    if (fromN === null) throw new AppError('PERIOD_INVALID', { field: 'from', params: { detail: from } });
    if (fromN > toN) throw new AppError('PERIOD_INVALID', { field: 'from', params: { detail: `${from} > ${to}` } });
    if (toN - fromN + 1 > MAX_PERIOD_DAYS) {
      throw new AppError('PERIOD_INVALID', { field: 'to', params: { detail: `${toN - fromN + 1} > ${MAX_PERIOD_DAYS} days` } });
    }
    return { from, to, today };
  }

  /** The subtrees the caller may read the command center of. */
  private readablePaths(caller: UserCaller): string[] {
    const paths = [...new Set(caller.assignments.filter((a) => COMMAND_ROLES.includes(a.role)).map((a) => a.jurisdictionPath))];
    return paths.sort((a, b) => a.split('.').length - b.split('.').length || a.localeCompare(b));
  }

  /** The node asked for (default: the caller's top node); 404 NOT_FOUND outside the caller's subtrees. */
  async node(trx: Tx, caller: UserCaller, id: string | undefined): Promise<q.NodeRow> {
    const paths = this.readablePaths(caller);
    const top = paths[0];
    const wanted = id ?? caller.assignments.find((a) => a.jurisdictionPath === top && COMMAND_ROLES.includes(a.role))?.jurisdictionId;
    const node = wanted && isUuid(wanted) ? await q.nodeById(trx, wanted) : null;
    if (!node || !paths.some((p) => node.path === p || node.path.startsWith(`${p}.`))) {
      throw new AppError('NOT_FOUND', { field: 'jurisdiction' });
    }
    return node;
  }

  /**
   * The node (as `node` checks it), its ancestors for the breadcrumb and its children, in one round trip; then the
   * transaction's scope narrowed to the node's subtree.
   */
  private async enter(trx: Tx, caller: UserCaller, id: string | undefined) {
    const paths = this.readablePaths(caller);
    const wanted = id ?? caller.assignments.find((a) => a.jurisdictionPath === paths[0] && COMMAND_ROLES.includes(a.role))?.jurisdictionId;
    const family = wanted && isUuid(wanted) ? await q.familyOf(trx, wanted) : { chain: [], children: [] };
    const node = family.chain.at(-1);
    if (!node || node.id !== wanted || !paths.some((p) => node.path === p || node.path.startsWith(`${p}.`))) {
      throw new AppError('NOT_FOUND', { field: 'jurisdiction' });
    }
    await q.narrowTo(trx, node.path);
    return { node, ancestors: family.chain.slice(0, -1), children: family.children };
  }

  summary(caller: UserCaller, query: PeriodQuery): Promise<Summary> {
    return this.summarise(caller, query, 'rolled');
  }

  /** The summary computed from the raw cases (no rollups): tests and the benchmark compare it with `summary`. */
  naiveSummary(caller: UserCaller, query: PeriodQuery): Promise<Summary> {
    return this.summarise(caller, query, 'naive');
  }

  private async summarise(caller: UserCaller, query: PeriodQuery, source: 'rolled' | 'naive'): Promise<Summary> {
    await this.init();
    const now = this.now();
    const p = this.period(query, now);
    return this.db.run(caller, async (trx) => {
      const { node, ancestors, children } = await this.enter(trx, caller, query.jurisdictionId);
      const target = { path: node.path, childPaths: children.map((c) => c.path) };
      const measures = q.summaryMeasures({ ...p, now });
      const rows =
        source === 'rolled' ? await q.rolledSums(trx, target, measures, { now }) : await q.naiveSums(trx, this.timezone, target, measures);
      const figures = figuresByNode(rows);
      const own = figures.get(node.path) ?? emptyFigures();
      const indicators = indicatorsOf(own.cohorts);
      const byChannel = Object.fromEntries(CHANNELS.map((c) => [c, own.intakeToday.get(c) ?? 0])) as Record<Channel, number>;
      return {
        asOf: now.toISOString(),
        period: { from: p.from, to: p.to },
        node: q.refOf(node),
        ancestors: ancestors.map(q.refOf),
        tiles: {
          intakeToday: { total: Object.values(byChannel).reduce((a, b) => a + b, 0), byChannel },
          open: own.open,
          overdue: own.overdue,
          onTimeClosureRate: indicators.find((i) => i.key === 'on_time_closure_rate')!,
          satisfactionRate: indicators.find((i) => i.key === 'satisfaction_rate')!,
        },
        indicators,
        children: children.map((c) => {
          const f = figures.get(c.path) ?? emptyFigures();
          return { node: q.refOf(c), open: f.open, overdue: f.overdue, intake: f.intake, indicators: indicatorsOf(f.cohorts) };
        }),
      };
    });
  }

  /** Per day of the period: reported (all channels), registered (the cohort) and closed (by the day of closing). */
  async trend(caller: UserCaller, query: PeriodQuery) {
    await this.init();
    const now = this.now();
    const p = this.period(query, now);
    return this.db.run(caller, async (trx) => {
      const { node } = await this.enter(trx, caller, query.jurisdictionId);
      const rows = await q.rolledSums(trx, { path: node.path, childPaths: [] }, q.trendMeasures({ ...p, now }), { now, byDay: true });
      const byDay = new Map<string, { intake: number; registered: number; closed: number }>();
      for (const r of rows) {
        const d = byDay.get(r.day) ?? { intake: 0, registered: 0, closed: 0 };
        if (r.measure === 'intake' || r.measure === 'registered' || r.measure === 'closed') d[r.measure] += r.n;
        byDay.set(r.day, d);
      }
      const days = [];
      for (let n = dayNumber(p.from)!; n <= dayNumber(p.to)!; n++) {
        const date = dayString(n);
        days.push({ date, ...(byDay.get(date) ?? { intake: 0, registered: 0, closed: 0 }) });
      }
      return { asOf: now.toISOString(), period: { from: p.from, to: p.to }, node: q.refOf(node), days };
    });
  }

  /** Open cases under the node as compact arrays: [lng, lat, light] with light 0 green, 1 yellow, 2 red, 3 parked. */
  async points(caller: UserCaller, query: { jurisdictionId?: string }) {
    const now = this.now();
    return this.db.run(caller, async (trx) => {
      const { node } = await this.enter(trx, caller, query.jurisdictionId);
      const rows = await q.openPoints(trx, node.path, now, MAX_POINTS);
      const kept = rows.slice(0, MAX_POINTS);
      return {
        asOf: now.toISOString(),
        node: q.refOf(node),
        points: kept.map((r) => [r.lng, r.lat, r.light] as [number, number, number]),
        ids: kept.map((r) => r.id),
        truncated: rows.length > MAX_POINTS,
      };
    });
  }

  /** The outlines of the node's children as a GeoJSON FeatureCollection (empty at a grid). */
  async shapes(caller: UserCaller, query: { jurisdictionId?: string }) {
    const now = this.now();
    return this.db.run(caller, async (trx) => {
      const { node } = await this.enter(trx, caller, query.jurisdictionId);
      const shapes = await q.childShapes(trx, node.id);
      return {
        type: 'FeatureCollection' as const,
        asOf: now.toISOString(),
        features: shapes.map((s) => ({
          type: 'Feature' as const,
          id: s.node.id,
          properties: {
            id: s.node.id,
            level: s.node.level,
            code: s.node.code,
            name_zh_hant: s.node.name['zh-Hant'],
            name_zh_hans: s.node.name['zh-Hans'],
            name_en: s.node.name.en,
          },
          geometry: s.geometry,
        })),
      };
    });
  }

  /** The eight indicators per child node, per department (the case's current one), per role, or for the node. */
  async indicators(caller: UserCaller, query: IndicatorsQuery): Promise<IndicatorTable> {
    await this.init();
    const now = this.now();
    const p = this.period(query, now);
    const w = { ...p, now };
    return this.db.run(caller, async (trx) => {
      const family = await this.enter(trx, caller, query.jurisdictionId);
      const node = family.node;
      let rows: IndicatorRow[];
      switch (query.by) {
        case 'node':
        case 'child': {
          const children = query.by === 'child' ? family.children : [];
          const sums = await q.rolledSums(trx, { path: node.path, childPaths: children.map((c) => c.path) }, q.cohortMeasures(w), { now });
          const figures = figuresByNode(sums);
          const nodes = query.by === 'child' ? children : [node];
          rows = nodes.map((n) => ({
            key: { kind: 'node', id: n.id, name: n.name },
            indicators: indicatorsOf((figures.get(n.path) ?? emptyFigures()).cohorts),
          }));
          break;
        }
        case 'department': {
          const sums = await q.rolledSums(trx, { path: node.path, childPaths: [] }, q.departmentMeasures(w), { now });
          const bySub = new Map<string, Cohorts>();
          for (const r of sums) {
            if (!r.sub) continue;
            const c = bySub.get(r.sub) ?? emptyCohorts();
            addCounts(c[r.measure as keyof Cohorts], r);
            bySub.set(r.sub, c);
          }
          const names = await q.departmentNames(trx, [...bySub.keys()]);
          rows = [...bySub.entries()]
            .map(([id, cohorts]) => ({
              key: { kind: 'department' as const, id, name: names.get(id) ?? { 'zh-Hant': id, 'zh-Hans': id, en: id } },
              indicators: indicatorsOf(cohorts),
            }))
            .sort((a, b) => a.key.name.en.localeCompare(b.key.name.en) || a.key.id.localeCompare(b.key.id));
          break;
        }
        case 'role': {
          const sums = await q.roleSums(trx, this.timezone, node.path, w);
          const byRole = new Map<string, Cohorts>();
          for (const r of sums) {
            const c = byRole.get(r.node) ?? emptyCohorts();
            addCounts(c[r.measure as keyof Cohorts], r);
            byRole.set(r.node, c);
          }
          rows = INDICATOR_ROLES.map((role) => ({
            key: { kind: 'role', id: role, name: ROLE_NAMES[role] },
            indicators: indicatorsOf(byRole.get(role) ?? emptyCohorts()),
          }));
          break;
        }
      }
      return { asOf: now.toISOString(), period: { from: p.from, to: p.to }, by: query.by, node: q.refOf(node), rows };
    });
  }
}
