/**
 * Attenuation (上熱中溫下冷): how long each level of the hierarchy holds the cases it owes work on, and how often it
 * finishes its part in time. One SQL definition (`attenuationLevels`); see the module README for what counts where.
 */
import { sql } from 'kysely';
import type { UserCaller } from '../../../db/caller.ts';
import type { Database, Tx } from '../../../db/database.ts';
import { CASE_STATES, STAGE_OF_STATE, STAGES, type Stage } from '../../../domain/workflow.ts';
import { AppError } from '../../errors.ts';
import { type Level, type NodeRef, refOf } from './queries.ts';
import type { CommandService, Period } from './service.ts';

// ------------------------------------------------------------------------------------------------------ figures

export interface StageFigures {
  stage: Stage;
  count: number;
  onTime: number;
  medianMinutes: number | null;
  p90Minutes: number | null;
  onTimeRate: number | null;
}

export interface LevelFigures extends Omit<StageFigures, 'stage'> {
  level: Level;
  stages: StageFigures[];
}

export interface Attenuation {
  asOf: string;
  period: Period;
  node: NodeRef;
  levels: LevelFigures[];
  comparePeriod?: Period;
  compare?: LevelFigures[];
}

/** The chain from the district down to the grid; a city level is shown only when someone there ended a stage. */
const CHAIN: readonly Level[] = ['district', 'street', 'community', 'grid'];

/** Each state's stage, as SQL rows: a run is credited to the first event that moved the case on from its stage. */
const STATE_STAGES = sql.join(
  CASE_STATES.map((s) => sql`(${s}::text, ${STAGE_OF_STATE[s]}::text)`),
  sql`, `,
);

interface Row {
  level: Level;
  stage: Stage | null;
  count: number;
  onTime: number;
  median: number | null;
  p90: number | null;
}

/**
 * Per level and stage: the stopped stage runs of the cases registered in the period under the node (voided, merged
 * and transferred cases left out, as from every indicator). A run's minutes are its wall-clock span less its parked
 * pauses; it is on time when it stopped by its deadline (extensions included). It is credited to the person who did
 * the stage's work: the first to move the case on from a state of that stage during the run. For most stages that is
 * who ended the run; verify's clock also runs through `verified` until the shift lead closes, and is credited to the
 * check that left `handled`. The run belongs to the level of the node where that person is assigned in the role they
 * acted in (the deepest such node over the case); department staff belong to their department's node. A run credited
 * to no assigned person (the system, the reporter, a seeded history) belongs to its stage's home level: confirm and
 * verify to the grid, handle to the node of the case's department, accept, register and dispatch to the district.
 */
export function attenuationQuery(nodePath: string, period: Period, timezone: string) {
  return sql<Row>`
    with state_stage(state, stage) as (values ${STATE_STAGES}),
    cohort as materialized (
      select c.id, c.path, c.department_id from cases c
      where c.path <@ ${nodePath}::ltree
        and c.registered_at >= (${period.from}::date)::timestamp at time zone ${timezone}
        and c.registered_at < (${period.to}::date + 1)::timestamp at time zone ${timezone}
        and c.state not in ('voided', 'merged', 'transferred')
    ),
    clocks as materialized (
      select k.id, k.case_id, k.stage, k.started_at, k.stopped_at, k.deadline_at, k.pauses, c.path, c.department_id
      from cohort c join case_clock k on k.case_id = c.id
      where k.stage <> 'case' and k.stopped_at is not null
    ),
    -- The events that moved a cohort case on from a state with a stage; each run is credited to its first one.
    moves as materialized (
      select e.case_id, e.at, e.id, e.actor, e.actor_role, sf.stage
      from cohort c join case_event e on e.case_id = c.id
      join state_stage sf on sf.state = e.from_state
      where sf.stage is not null and e.to_state is distinct from e.from_state
    ),
    credited as (
      select distinct on (k.id) k.id, m.actor, m.actor_role
      from clocks k join moves m on m.case_id = k.case_id and m.stage = k.stage and m.at between k.started_at and k.stopped_at
      order by k.id, m.at, m.id
    ),
    runs as (
      select k.id, k.stage, k.path as case_path, k.department_id as case_department, cr.actor_role,
        greatest(0, extract(epoch from k.stopped_at - k.started_at) - case when k.pauses = '[]'::jsonb then 0 else coalesce(
          (select sum(extract(epoch from (x->>'to')::timestamptz - (x->>'from')::timestamptz))
           from jsonb_array_elements(k.pauses) x where x->>'to' is not null), 0) end) / 60.0 as minutes,
        k.stopped_at <= coalesce(k.deadline_at, k.stopped_at) as on_time,
        coalesce(case when cr.actor like 'user:%' then substr(cr.actor, 6)::uuid end, t.user_id) as user_id
      from clocks k
      left join credited cr on cr.id = k.id
      left join api_token t on cr.actor like 'token:%' and t.id::text = substr(cr.actor, 7)
    ),
    -- Small tables, joined once rather than looked up per run: where each person works in each role, and where each
    -- department is attached.
    staff as (
      select a.user_id, a.role, j.path, j.level from assignment a join jurisdiction j on j.id = a.jurisdiction_id
    ),
    department_level as (
      select d.id, j.level from department d join jurisdiction j on j.id = d.jurisdiction_id
    ),
    by_person as (
      select distinct on (r.id) r.id, coalesce(dl.level, s.level) as level
      from runs r
      left join app_user u on r.actor_role = 'department_staff' and u.id = r.user_id
      left join department_level dl on dl.id = u.department_id
      left join staff s on r.actor_role <> 'department_staff' and s.user_id = r.user_id and s.role = r.actor_role
        and s.path @> r.case_path
      where r.user_id is not null
      order by r.id, nlevel(s.path) desc nulls last
    ),
    leveled as (
      select r.stage, r.minutes, r.on_time, coalesce(bp.level, case
          when r.stage in ('confirm', 'verify') then 'grid'
          when r.stage = 'handle' then coalesce(cd.level, 'district')
          else 'district'
        end) as node_level
      from runs r
      left join by_person bp on bp.id = r.id
      left join department_level cd on cd.id = r.case_department
    ),
    -- A compound is a grid's part: its people work at the grid's level.
    leveled_chain as (
      select stage, minutes, on_time, case when node_level = 'compound' then 'grid' else node_level end as level from leveled
    )
    select level, stage, count(*)::int as count, count(*) filter (where on_time)::int as "onTime",
      percentile_cont(0.5) within group (order by minutes) as median,
      percentile_cont(0.9) within group (order by minutes) as p90
    from leveled_chain
    group by grouping sets ((level), (level, stage))`;
}

export async function attenuationLevels(trx: Tx, nodePath: string, period: Period, timezone: string): Promise<Row[]> {
  return (await attenuationQuery(nodePath, period, timezone).execute(trx)).rows;
}

const round1 = (n: number | null): number | null => (n === null ? null : Math.round(Number(n) * 10) / 10);

function figures(r: Row | undefined): Omit<StageFigures, 'stage'> {
  if (!r || r.count === 0) return { count: 0, onTime: 0, medianMinutes: null, p90Minutes: null, onTimeRate: null };
  return {
    count: r.count,
    onTime: r.onTime,
    medianMinutes: round1(r.median),
    p90Minutes: round1(r.p90),
    onTimeRate: r.onTime / r.count,
  };
}

/** The rows shaped as the chain: every level from district to grid, each with the stages that ran there. */
export function chainOf(rows: Row[]): LevelFigures[] {
  const levels: Level[] = rows.some((r) => r.level === 'city' && r.stage === null) ? ['city', ...CHAIN] : [...CHAIN];
  return levels.map((level) => ({
    level,
    ...figures(rows.find((r) => r.level === level && r.stage === null)),
    stages: STAGES.flatMap((stage) => {
      const r = rows.find((x) => x.level === level && x.stage === stage);
      return r ? [{ stage, ...figures(r) }] : [];
    }),
  }));
}

export interface AttenuationQuery {
  jurisdiction?: string;
  from?: string;
  to?: string;
  compareFrom?: string;
  compareTo?: string;
}

/** The comparison period: both ends required, checked as the command service checks every period. */
function comparePeriod(command: CommandService, q: AttenuationQuery, now: Date): Period | null {
  if (q.compareFrom === undefined && q.compareTo === undefined) return null;
  if (q.compareFrom === undefined || q.compareTo === undefined) {
    const field = q.compareFrom === undefined ? 'compareFrom' : 'compareTo';
    throw new AppError('PERIOD_INVALID', { field, params: { detail: `${field} is missing` } });
  }
  try {
    const p = command.period({ from: q.compareFrom, to: q.compareTo }, now);
    return { from: p.from, to: p.to };
  } catch (err) {
    if (err instanceof AppError && err.opts.field) {
      const field = err.opts.field === 'from' ? 'compareFrom' : 'compareTo';
      throw new AppError(err.code, { ...err.opts, field });
    }
    throw err;
  }
}

export class AttenuationService {
  constructor(
    private readonly db: Database,
    /** Periods and nodes mean here what they mean on the rest of the command center. */
    private readonly command: CommandService,
    private readonly timezone: string,
  ) {}

  async attenuation(caller: UserCaller, q: AttenuationQuery): Promise<Attenuation> {
    const now = this.command.now();
    const p = this.command.period({ from: q.from, to: q.to }, now);
    const period = { from: p.from, to: p.to };
    const compare = comparePeriod(this.command, q, now);
    return this.db.run(caller, async (trx) => {
      const node = await this.command.node(trx, caller, q.jurisdiction);
      const out: Attenuation = {
        asOf: now.toISOString(),
        period,
        node: refOf(node),
        levels: chainOf(await attenuationLevels(trx, node.path, period, this.timezone)),
      };
      if (compare) {
        out.comparePeriod = compare;
        out.compare = chainOf(await attenuationLevels(trx, node.path, compare, this.timezone));
      }
      return out;
    });
  }
}
