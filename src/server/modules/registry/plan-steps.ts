/**
 * The steps that the import planners of every kind share: scope, in-file deduplication, placing points in grids, and
 * the staging columns of a placement. The planners are in `planners.ts` and `organisation-import.ts`.
 */
import { sql } from 'kysely';
import { type Caller, scopePaths, systemCaller } from '../../../db/caller.ts';
import { type CsvValue, csvLine } from '../../../demo/copy.ts';
import type { ImportDeps, ImportSpec, RowError } from './import.ts';
import type { Cells, LngLat, Problem, RowProblem } from './rows.ts';
import * as store from './store.ts';

/** Whether a row's path lies in what the caller may write. */
export function inScope(caller: Caller, path: string): boolean {
  if (caller.kind === 'system') return true;
  if (caller.kind !== 'user') return false;
  return scopePaths(caller).some((p) => path === p || path.startsWith(`${p}.`));
}

export interface Pending<T> {
  row: number;
  value: T;
}

/** What a batch will write: its staging tables, the statements that move them, and the rows it refused. */
export interface BatchPlan {
  stages: store.Stage[];
  apply: (exec: store.Exec) => Promise<{ written: number; updated: number }>;
  refused: RowError[];
  skipped: number;
}

/** State that lives across the batches of one import. */
export interface RunState {
  deps: ImportDeps;
  spec: ImportSpec;
  /** Keys already seen in this file (blind index, address key, household number, code) → their row. */
  seen: Map<string, number>;
  /** Households created by this import, by number: later rows of the file join them. */
  households: Map<string, { id: string; buildingId: string | null; place: store.Placement }>;
  grids: Map<string, store.Placement | null>;
}

export type Parser<T> = (cells: Cells, today: string) => { ok: true; value: T } | { ok: false; problems: RowProblem[] };
export type Planner<T> = (state: RunState, rows: Pending<T>[]) => Promise<BatchPlan>;

export interface KindEngine<T> {
  parse: Parser<T>;
  plan: Planner<T>;
}

// ---------------------------------------------------------------------------------------------------------------
// Shared steps of the planners.

export function refuse(row: number, column: string | null, problem: Problem, detail?: string): RowError {
  return detail === undefined ? { row, column, problem } : { row, column, problem, detail };
}

/** In-file deduplication: the first row with a key wins; a later one is refused naming it. */
export function firstInFile(state: RunState, key: string, row: number): number | null {
  const prior = state.seen.get(key);
  if (prior !== undefined) return prior;
  state.seen.set(key, row);
  return null;
}

/** Grid placements for points, from the in-process index and (once per grid) the jurisdiction tree. */
export async function placePoints(state: RunState, points: Array<LngLat | null>): Promise<Array<store.Placement | 'outside_grids' | null>> {
  const gridIds = points.map((p) => {
    if (p === null) return null;
    try {
      return state.deps.territory.locate(p.lat, p.lng).grid.id;
    } catch {
      return 'outside_grids' as const;
    }
  });
  const unknown = [...new Set(gridIds.filter((g): g is string => g !== null && g !== 'outside_grids' && !state.grids.has(g)))];
  if (unknown.length > 0) {
    await state.deps.db.run(systemCaller('registry-import'), async (trx) => {
      for (const g of unknown) state.grids.set(g, await store.placementOfGrid(trx, g));
    });
  }
  return gridIds.map((g) => (g === null || g === 'outside_grids' ? g : (state.grids.get(g) ?? 'outside_grids')));
}

export const PLACEMENT_COLUMNS = [
  ['district_id', 'uuid'],
  ['street_id', 'uuid'],
  ['community_id', 'uuid'],
  ['grid_id', 'uuid'],
  ['path', 'ltree'],
] as const;

export function placementCells(p: store.Placement): CsvValue[] {
  return [p.districtId, p.streetId, p.communityId, p.gridId, p.path];
}

export const PLACE_SET = sql.raw(`district_id = s.district_id, street_id = s.street_id, community_id = s.community_id,
  grid_id = s.grid_id, path = s.path`);

export function csvOf(rows: CsvValue[][]): string {
  return rows.map((r) => csvLine(r)).join('');
}

export function pgArray(values: readonly string[]): string {
  // Canonical snake_case codes only (care tags): nothing to quote inside the literal.
  return `{${values.join(',')}}`;
}
