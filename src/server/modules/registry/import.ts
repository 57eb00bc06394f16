/**
 * The import engine: a file is read row by row (never whole), each row validated, good rows written in batches of a
 * few thousand, each batch its own short transaction tagged with the import's id, so that the embedded database is
 * never locked for long and a cancelled or failed import can be undone (`store.undoImport`).
 */
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { sql } from 'kysely';
import type { Caller } from '../../../db/caller.ts';
import type { Database } from '../../../db/database.ts';
import { analyzeTables } from '../../../db/maintenance.ts';
import type { DataCipher } from '../../../domain/crypto.ts';
import { chinaToday } from '../../../domain/id-number.ts';
import { AppError } from '../../errors.ts';
import type { TerritoryService } from '../territory/service.ts';
import { type HeaderMatch, matchHeaders, type RegistryKind } from './columns.ts';
import { ENGINES, type Pending, type RunState } from './planners.ts';
import { cellsOf, type Problem } from './rows.ts';
import * as store from './store.ts';
import { MalformedTableError, readRows, type TableRow, UnsupportedFileError } from './tabular.ts';

export type ImportMode = 'update' | 'skip';

/** The tables an import of each kind writes, analyzed as they grow. */
const ANALYZED: Record<RegistryKind, readonly string[]> = {
  persons: ['person', 'household', 'residence'],
  households: ['household'],
  buildings: ['building'],
  places: ['place'],
  components: ['component'],
  organisations: ['organisation'],
};

export interface ImportDeps {
  db: Database;
  territory: TerritoryService;
  cipher: DataCipher;
  /** Rows per batch (one transaction each). */
  batchSize: number;
  /** Trigram similarity from which an address counts as the building's. */
  addressThreshold: number;
}

export interface ImportSpec {
  id: string;
  kind: RegistryKind;
  mode: ImportMode;
  caller: Caller;
  path: string;
  fileName: string;
  mapping: Record<string, string>;
}

export interface ImportCounts {
  read: number;
  written: number;
  updated: number;
  skipped: number;
  refused: number;
  bytesRead: number;
}

export interface RowError {
  row: number;
  column: string | null;
  problem: Problem;
  detail?: string;
}

/** Thrown between batches when the import was asked to stop. */
export class ImportCancelled extends Error {
  constructor() {
    super('import cancelled');
    this.name = 'ImportCancelled';
  }
}

function headerTest(kind: RegistryKind, mapping: Record<string, string>) {
  // The header is the first row that names every required field: title rows above it (「××社区人口登记表」) are skipped.
  return (values: string[]) => matchHeaders(kind, values, mapping).missingRequired.length === 0;
}

function fileError(err: unknown): never {
  if (err instanceof UnsupportedFileError) throw new AppError('IMPORT_FILE_UNSUPPORTED', { field: 'file', params: { detail: err.message } });
  if (err instanceof MalformedTableError) throw new AppError('IMPORT_FILE_MALFORMED', { field: 'file', params: { detail: err.message } });
  throw err;
}

/**
 * Reads only the header and says whether the file can be imported: an empty file, missing required columns or two
 * columns for one field are refused here, with the field, before anything is written.
 */
export async function checkHeader(path: string, fileName: string, kind: RegistryKind, mapping: Record<string, string>): Promise<HeaderMatch> {
  let header: TableRow | null = null;
  let dataRow = false;
  try {
    for await (const row of readRows({ stream: createReadStream(path), filename: fileName }, { isHeader: headerTest(kind, mapping) })) {
      if (header === null) header = row;
      else {
        dataRow = true;
        break;
      }
    }
  } catch (err) {
    fileError(err);
  }
  if (header === null || !dataRow) throw new AppError('IMPORT_FILE_EMPTY', { field: 'file' });
  const match = matchHeaders(kind, header.values, mapping);
  if (match.invalidOverrides.length > 0) {
    throw new AppError('VALIDATION_FAILED', { field: 'mapping', params: { detail: `unknown fields for ${match.invalidOverrides.join(', ')}` } });
  }
  if (match.missingRequired.length > 0) {
    throw new AppError('IMPORT_COLUMNS_MISSING', {
      field: match.missingRequired[0],
      params: { columns: match.missingRequired.join(', ') },
      details: { missing: match.missingRequired },
    });
  }
  if (match.duplicates.length > 0) {
    throw new AppError('IMPORT_COLUMNS_DUPLICATED', {
      field: match.duplicates[0],
      params: { columns: match.duplicates.join(', ') },
      details: { duplicated: match.duplicates },
    });
  }
  return match;
}

/**
 * Runs an import to its end. `onBatch` hears the counts after each committed batch; `cancelled` is asked between
 * batches. Throws ImportCancelled or the failure; the caller then undoes the import.
 */
export async function runImport(
  deps: ImportDeps,
  spec: ImportSpec,
  match: HeaderMatch,
  onBatch: (counts: ImportCounts) => Promise<void> | void,
  cancelled: () => boolean,
): Promise<ImportCounts> {
  const kindEngine = ENGINES[spec.kind];
  const state: RunState = { deps, spec, seen: new Map(), households: new Map(), grids: new Map() };
  const counts: ImportCounts = { read: 0, written: 0, updated: 0, skipped: 0, refused: 0, bytesRead: 0 };
  const headerOf = new Map<string, string>();
  const today = chinaToday();
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const source = createReadStream(spec.path).pipe(counter);
  let pending: Pending<unknown>[] = [];
  let analyzedAt = 0;
  let errors: RowError[] = [];
  let header = true;

  const flush = async () => {
    if (cancelled()) throw new ImportCancelled();
    const plan = pending.length > 0 ? await kindEngine.plan(state, pending) : null;
    const batchErrors = [...errors, ...(plan?.refused ?? [])].map((e) => ({ ...e, column: e.column === null ? null : (headerOf.get(e.column) ?? e.column) }));
    const read = counts.read;
    const result = await store.withStaged(deps.db, spec.caller, plan?.stages ?? [], async (exec) => {
      const r = plan ? await plan.apply(exec) : { written: 0, updated: 0 };
      if (batchErrors.length > 0) {
        await exec(sql`insert into import_error (import_id, row_number, column_name, problem, detail)
          select ${spec.id}, r, c, p, d from unnest(${batchErrors.map((e) => e.row)}::int[], ${batchErrors.map((e) => e.column)}::text[],
            ${batchErrors.map((e) => e.problem)}::text[], ${batchErrors.map((e) => e.detail ?? null)}::text[]) as u(r, c, p, d)`);
      }
      await exec(sql`update import_job set rows_read = ${read}, rows_written = rows_written + ${r.written},
          rows_updated = rows_updated + ${r.updated}, rows_skipped = rows_skipped + ${plan?.skipped ?? 0},
          rows_refused = rows_refused + ${new Set(batchErrors.map((e) => e.row)).size}, bytes_read = ${bytes}
        where id = ${spec.id}`);
      return r;
    });
    counts.written += result.written;
    counts.updated += result.updated;
    counts.skipped += plan?.skipped ?? 0;
    counts.refused += new Set(batchErrors.map((e) => e.row)).size;
    counts.bytesRead = bytes;
    pending = [];
    errors = [];
    // Statistics keep up with the rows the import adds (PGlite has no autovacuum; on PostgreSQL it may lag): without
    // them the planner takes a table that doubled for the size it had, and the lookups of later batches slow down.
    const changed = counts.written + counts.updated;
    if (changed - analyzedAt >= Math.max(deps.batchSize, analyzedAt)) {
      await analyzeTables(deps.db, ANALYZED[spec.kind]);
      analyzedAt = changed;
    }
    await onBatch({ ...counts });
  };

  try {
    for await (const row of readRows({ stream: source, filename: spec.fileName }, { isHeader: headerTest(spec.kind, spec.mapping) })) {
      if (header) {
        header = false;
        for (const m of match.mapping) if (m.field !== null) headerOf.set(m.field, (row.values[m.column] ?? '').trim() || m.field);
        continue;
      }
      counts.read++;
      const rowErrors: RowError[] = [];
      for (const issue of row.issues) {
        const field = issue.column === null ? null : (match.mapping[issue.column]?.field ?? null);
        if (issue.problem === 'column_count') rowErrors.push({ row: row.row, column: null, problem: 'column_count' });
        else if (field !== null) rowErrors.push({ row: row.row, column: field, problem: 'cell_unreadable', detail: issue.problem });
      }
      const parsed = kindEngine.parse(cellsOf(match, row.values), today);
      if (!parsed.ok) for (const p of parsed.problems) rowErrors.push({ row: row.row, column: p.field, problem: p.problem, detail: p.detail });
      if (rowErrors.length > 0) errors.push(...rowErrors);
      else if (parsed.ok) pending.push({ row: row.row, value: parsed.value });
      if (pending.length >= deps.batchSize || errors.length >= deps.batchSize) await flush();
    }
  } catch (err) {
    if (err instanceof UnsupportedFileError || err instanceof MalformedTableError) fileError(err);
    throw err;
  }
  await flush();
  return counts;
}
