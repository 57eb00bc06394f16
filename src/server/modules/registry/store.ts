/**
 * The SQL of the registry: bulk writes through staging tables, the lookups an import needs (buildings by address,
 * households by number, persons by blind index), and the undo of an import.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type RawBuilder, sql } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import { type Caller, scopePaths } from '../../../db/caller.ts';
import { type Database, quoteIdent, type Tx } from '../../../db/database.ts';
import { buildingKeysOf } from '../../../domain/text-normalize.ts';

/** Runs one compiled statement in the batch's transaction, whichever driver holds it. */
export type Exec = <R>(q: RawBuilder<R>) => Promise<R[]>;

export interface Stage {
  /** A temporary table, dropped at commit. */
  name: string;
  /** Column name and SQL type, in the order of the CSV. */
  columns: ReadonlyArray<readonly [string, string]>;
  /** Rows as `COPY … (FORMAT csv)` text, no header. */
  csv: string;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;
function checked(name: string): string {
  // Spliced into statements: names come from code, never from a file, and this says so loudly.
  if (!IDENT.test(name)) throw new Error(`registry: ${JSON.stringify(name)} is not a plain identifier`);
  return name;
}

function createStage(s: Stage): string {
  const cols = s.columns.map(([n, t]) => `${checked(n)} ${t}`).join(', ');
  return `create temp table ${checked(s.name)} (${cols}) on commit drop`;
}

function copyStatement(s: Stage, from: string): string {
  return `copy ${s.name} (${s.columns.map(([n]) => n).join(', ')}) from ${from} with (format csv)`;
}

/**
 * One short transaction as the caller: the rows are copied into temporary staging tables (PostgreSQL refuses COPY into
 * a table with row-level security) and `fn` moves them with `INSERT … SELECT` and `UPDATE … FROM`, under the caller's
 * row-level security, so a row outside the caller's scope fails the batch rather than landing.
 */
export async function withStaged<T>(db: Database, caller: Caller, stages: readonly Stage[], fn: (exec: Exec) => Promise<T>): Promise<T> {
  if (db.pglite) {
    const pglite = db.pglite;
    return db.run(caller, async (trx) => {
      for (const s of stages) await sql.raw(createStage(s)).execute(trx);
      // PGlite reads the CSV as the server file /dev/blob, which needs its superuser session user; only the copy
      // into the staging tables runs so, and the caller's role comes back before any real table is touched.
      await sql`reset role`.execute(trx);
      for (const s of stages) {
        if (s.csv.length > 0) await pglite.query(copyStatement(s, `'/dev/blob'`), [], { blob: new Blob([s.csv]) });
      }
      await sql.raw(`set local role ${quoteIdent(caller.kind === 'public' ? db.roles.public : db.roles.app)}`).execute(trx);
      for (const s of stages) await sql.raw(`analyze ${s.name}`).execute(trx);
      return fn(async (q) => (await q.execute(trx)).rows);
    });
  }
  if (!db.pgPool) throw new Error('registry: the database has neither a PGlite instance nor a PostgreSQL pool');
  const client = await db.pgPool.connect();
  try {
    await client.query('begin');
    // The settings of Database.run on this one connection, since COPY FROM STDIN needs a client of its own.
    let scope = '{}';
    let all = 'off';
    let actor = 'public';
    if (caller.kind === 'system') {
      all = 'on';
      actor = `system:${caller.job}`;
    } else if (caller.kind === 'user') {
      scope = `{${scopePaths(caller).join(',')}}`;
      actor = caller.tokenId ? `token:${caller.tokenId}` : `user:${caller.userId}`;
    }
    await client.query(
      `select set_config('app.scope', $1, true), set_config('app.scope_all', $2, true), set_config('app.actor', $3, true)`,
      [scope, all, actor],
    );
    await client.query(`set local role ${quoteIdent(caller.kind === 'public' ? db.roles.public : db.roles.app)}`);
    for (const s of stages) {
      await client.query(createStage(s));
      if (s.csv.length > 0) {
        await pipeline(Readable.from([Buffer.from(s.csv, 'utf8')]), client.query(copyFrom(copyStatement(s, 'stdin'))));
      }
    }
    // Temporary tables have no statistics until analysed: without them the planner guesses joins against the real
    // tables badly (a hash join over a million residences instead of an index lookup per staged row).
    for (const s of stages) await client.query(`analyze ${s.name}`);
    const result = await fn(async <R>(q: RawBuilder<R>) => {
      const c = q.compile(db.admin);
      const r = await client.query(c.sql, [...c.parameters]);
      return r.rows as R[];
    });
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback').catch(() => {
      // The connection may be gone; the first error is the one to report.
    });
    throw err;
  } finally {
    client.release();
  }
}

export interface Placement {
  districtId: string;
  streetId: string | null;
  communityId: string | null;
  gridId: string | null;
  path: string;
}

export interface BuildingMatch extends Placement {
  key: string;
  buildingId: string;
  address: string;
  score: number;
}

/**
 * Buildings for address keys: the exact key first, then the most similar key by trigram above `threshold`. Run as the
 * system, so that a building outside the caller's scope is found and the row refused as such, not as unmatched.
 */
export async function matchBuildings(trx: Tx, keys: string[], threshold: number): Promise<Map<string, BuildingMatch>> {
  const out = new Map<string, BuildingMatch>();
  if (keys.length === 0) return out;
  const cols = sql`b.id::text as "buildingId", b.address, b.district_id::text as "districtId", b.street_id::text as "streetId",
    b.community_id::text as "communityId", b.grid_id::text as "gridId", b.path::text as path`;
  const exact = await sql<BuildingMatch>`select distinct on (b.address_key) b.address_key as key, 1.0::float8 as score, ${cols}
    from building b where b.address_key = any(${keys}::text[]) order by b.address_key, b.id`.execute(trx);
  for (const r of exact.rows) out.set(r.key, r);
  // A door's address continues its building's (…3栋 + 2单元301): the building's key with the door parts removed, exact.
  const parts = new Map(keys.filter((k) => !out.has(k)).map((k) => [k, buildingKeysOf(k)] as const));
  const candidates = [...new Set([...parts.values()].flat())];
  if (candidates.length > 0) {
    const found = await sql<BuildingMatch>`select distinct on (b.address_key) b.address_key as key, 1.0::float8 as score, ${cols}
      from building b where b.address_key = any(${candidates}::text[]) order by b.address_key, b.id`.execute(trx);
    const byKey = new Map(found.rows.map((r) => [r.key, r]));
    for (const [k, keysOfBuilding] of parts) {
      const hit = keysOfBuilding.map((c) => byKey.get(c)).find((r) => r !== undefined);
      if (hit) out.set(k, { ...hit, key: k });
    }
  }
  const rest = keys.filter((k) => !out.has(k));
  if (rest.length === 0) return out;
  // The % operator uses the trigram index with pg_trgm's own (lower) threshold; ours is applied on top.
  const fuzzy = await sql<BuildingMatch>`select k as key, m.* from unnest(${rest}::text[]) k cross join lateral (
      select similarity(b.address_key, k)::float8 as score, ${cols} from building b
      where b.address_key % k order by similarity(b.address_key, k) desc, b.id limit 1) m
    where m.score >= ${threshold}`.execute(trx);
  for (const r of fuzzy.rows) out.set(r.key, r);
  return out;
}

/** A grid and its ancestors as the columns of a hot table; null for an unknown grid. */
export async function placementOfGrid(trx: Tx, gridId: string): Promise<Placement | null> {
  const { rows } = await sql<{ id: string; level: string; path: string }>`select a.id::text as id, a.level, a.path::text as path
    from jurisdiction g join jurisdiction a on a.path @> g.path where g.id = ${gridId}`.execute(trx);
  const by = (level: string) => rows.find((r) => r.level === level)?.id ?? null;
  const grid = rows.find((r) => r.id === gridId);
  const districtId = by('district');
  if (!grid || !districtId) return null;
  return { districtId, streetId: by('street'), communityId: by('community'), gridId, path: grid.path };
}

export interface HouseholdRef extends Placement {
  number: string;
  householdId: string;
  buildingId: string | null;
}

export async function householdsByNumber(trx: Tx, numbers: string[]): Promise<Map<string, HouseholdRef>> {
  const out = new Map<string, HouseholdRef>();
  if (numbers.length === 0) return out;
  const { rows } = await sql<HouseholdRef>`select distinct on (h.number) h.number, h.id::text as "householdId",
      h.building_id::text as "buildingId", h.district_id::text as "districtId", h.street_id::text as "streetId",
      h.community_id::text as "communityId", h.grid_id::text as "gridId", h.path::text as path
    from household h where h.number = any(${numbers}::text[]) order by h.number, h.id`.execute(trx);
  for (const r of rows) out.set(r.number, r);
  return out;
}

/** Persons the caller can see, by ID-number blind index. */
export async function personsByIndex(trx: Tx, indexes: string[]): Promise<Map<string, { id: string; path: string }>> {
  const out = new Map<string, { id: string; path: string }>();
  if (indexes.length === 0) return out;
  // One index lookup per ID (equality is leakproof, so it works below row-level security): as `= any(…)` the planner
  // could read the caller's whole scope through the path index instead, slower with every batch an import adds.
  const { rows } = await sql<{ idx: string; id: string; path: string }>`select i as idx, p.id::text as id, p.path::text as path
    from unnest(${indexes}::text[]) i cross join lateral (select id, path from person where id_number_index = i) p`.execute(trx);
  for (const r of rows) out.set(r.idx, r);
  return out;
}

/** Which of these blind indexes are registered outside the caller's scope: the grid only, never the record. */
export async function personsElsewhere(trx: Tx, indexes: string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  if (indexes.length === 0) return out;
  const { rows } = await sql<{ idx: string; gridId: string | null }>`select e.index_value as idx, e.grid_id::text as "gridId"
    from persons_exist_elsewhere(${indexes}::text[]) e`.execute(trx);
  for (const r of rows) out.set(r.idx, r.gridId);
  return out;
}

/** Tables an import writes, children first: the order in which its rows are deleted when it is undone. */
export const IMPORT_TABLES = ['residence', 'person', 'household', 'component', 'place', 'building', 'organisation'] as const;

/**
 * Puts the data back as it was before an import: rows it updated are restored from the journal (which also gives
 * them back their earlier `import_id`), then rows still tagged with its id, which it inserted, are deleted.
 */
export async function undoImport(trx: Tx, importId: string): Promise<void> {
  for (const table of IMPORT_TABLES) {
    const { rows } = await sql<{ c: string }>`select column_name as c from information_schema.columns
      where table_schema = 'public' and table_name = ${table} and column_name <> 'id' and is_generated = 'NEVER'
      order by ordinal_position`.execute(trx);
    const cols = rows.map((r) => quoteIdent(r.c)).join(', ');
    const from = rows.map((r) => `r.${quoteIdent(r.c)}`).join(', ');
    await sql`update ${sql.table(table)} t set (${sql.raw(cols)}) = (select ${sql.raw(from)}
        from jsonb_populate_record(null::${sql.table(table)}, u.previous) r)
      from import_undo u where u.import_id = ${importId} and u.table_name = ${table} and t.id = u.row_id`.execute(trx);
  }
  for (const table of IMPORT_TABLES) {
    await sql`delete from ${sql.table(table)} where import_id = ${importId}`.execute(trx);
  }
  await sql`delete from import_undo where import_id = ${importId}`.execute(trx);
}

/** Journals rows before an update, so that an undone import can restore them. */
export function journal(table: (typeof IMPORT_TABLES)[number], importId: string, idsFrom: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`insert into import_undo (import_id, table_name, row_id, previous)
    select ${importId}, ${table}, t.id, to_jsonb(t) from ${sql.table(table)} t where t.id in (${idsFrom})`;
}
