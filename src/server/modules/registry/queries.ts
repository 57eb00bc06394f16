/** The registry's read SQL: search, the record of a person, export pages, completeness. Scope is RLS's job. */
import { type RawBuilder, sql } from 'kysely';
import type { Tx } from '../../../db/database.ts';
import type { RegistryKind } from './columns.ts';

export interface PersonRow {
  id: string;
  name: string;
  idType: string;
  idNumberMasked: string | null;
  idNumberEnc: string | null;
  phoneMasked: string | null;
  phoneEnc: string | null;
  gender: string | null;
  birthDate: string | null;
  careTags: string[];
  gridId: string | null;
  path: string;
  residenceType: string | null;
  householdId: string | null;
  householdNumber: string | null;
  buildingId: string | null;
  address: string | null;
}

const PERSON_COLUMNS = sql`p.id::text as id, p.name, p.id_type as "idType", p.id_number_masked as "idNumberMasked",
  p.id_number_enc as "idNumberEnc", p.phone_masked as "phoneMasked", p.phone_enc as "phoneEnc", p.gender,
  to_char(p.birth_date, 'YYYY-MM-DD') as "birthDate", p.care_tags as "careTags", p.grid_id::text as "gridId", p.path::text as path,
  r.residence_type as "residenceType", r.household_id::text as "householdId", h.number as "householdNumber",
  coalesce(r.building_id, h.building_id)::text as "buildingId", coalesce(b.address, h.address) as address`;

// Each lookup is a lateral subquery on its own key. As plain joins the planner, taking row-level security's `path ? …`
// for 1% of every table, hashed whole households and buildings for a page of persons; and `b.id = coalesce(…)` is
// not leakproof, so under RLS it could not use the id index at all (a GiST scan per person: 45 s a page city-wide).
const PERSON_FROM = sql`from person p
  left join lateral (select r.residence_type, r.household_id, r.building_id from residence r
    where r.person_id = p.id and r.moved_out is null order by r.moved_in desc nulls last limit 1) r on true
  left join lateral (select h.number, h.address, h.building_id from household h where h.id = r.household_id limit 1) h on true
  left join lateral (select b.address from building b where b.id = (select coalesce(r.building_id, h.building_id)) limit 1) b on true`;

export type PersonQuery = { by: 'index'; index: string } | { by: 'phone'; index: string } | { by: 'name'; key: string };

export async function searchPersons(trx: Tx, q: PersonQuery, limit: number): Promise<PersonRow[]> {
  if (q.by === 'index') {
    return (await sql<PersonRow>`select ${PERSON_COLUMNS} ${PERSON_FROM} where p.id_number_index = ${q.index} limit ${limit}`.execute(trx)).rows;
  }
  if (q.by === 'phone') {
    return (await sql<PersonRow>`select ${PERSON_COLUMNS} ${PERSON_FROM} where p.phone_index = ${q.index} limit ${limit}`.execute(trx)).rows;
  }
  // The exact key first: equality is leakproof, so its index works below row-level security and a whole name is found
  // at once in any scope. Containment and trigram similarity (part of a name, typos) only when no name matches
  // exactly: under RLS they filter every row in scope, fast in a grid, about a second per million in a district.
  const exact = (
    await sql<PersonRow>`select ${PERSON_COLUMNS} ${PERSON_FROM} where p.name_key = ${q.key} order by p.id limit ${limit}`.execute(trx)
  ).rows;
  if (exact.length > 0) return exact;
  const like = `%${q.key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const fuzzy = (
    await sql<PersonRow>`select ${PERSON_COLUMNS} ${PERSON_FROM}
      where p.name_key like ${like} or p.name_key % ${q.key}
      order by similarity(p.name_key, ${q.key}) desc, p.id limit ${limit}`.execute(trx)
  ).rows;
  return fuzzy;
}

export async function personById(trx: Tx, id: string): Promise<PersonRow | null> {
  const { rows } = await sql<PersonRow>`select ${PERSON_COLUMNS} ${PERSON_FROM} where p.id = ${id}`.execute(trx);
  return rows[0] ?? null;
}

export interface ResidenceRow {
  householdId: string | null;
  buildingId: string | null;
  relation: string | null;
  residenceType: string;
  movedIn: string | null;
  movedOut: string | null;
}

export async function residencesOf(trx: Tx, personId: string): Promise<ResidenceRow[]> {
  const { rows } = await sql<ResidenceRow>`select household_id::text as "householdId", building_id::text as "buildingId", relation,
      residence_type as "residenceType", to_char(moved_in, 'YYYY-MM-DD') as "movedIn", to_char(moved_out, 'YYYY-MM-DD') as "movedOut"
    from residence where person_id = ${personId} order by moved_out desc nulls first, moved_in desc nulls last`.execute(trx);
  return rows;
}

export interface BuildingRow {
  id: string;
  address: string;
  name: string | null;
  floors: number | null;
  use: string | null;
  gridId: string | null;
  lng: number;
  lat: number;
  score: number;
}

export async function searchBuildings(trx: Tx, key: string, limit: number): Promise<BuildingRow[]> {
  const like = `%${key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const { rows } = await sql<BuildingRow>`select id::text as id, address, name, floors, use, grid_id::text as "gridId",
      st_x(point) as lng, st_y(point) as lat, similarity(address_key, ${key})::float8 as score
    from building where address_key like ${like} or address_key % ${key}
    order by (address_key = ${key}) desc, similarity(address_key, ${key}) desc, id limit ${limit}`.execute(trx);
  return rows;
}

export interface ComponentRow {
  id: string;
  code: string;
  name: string | null;
  status: string;
  ownerDepartment: string | null;
  maintainerDepartment: string | null;
  gridId: string | null;
  lng: number;
  lat: number;
}

/** By code prefix: 6 digits give an area, 10 a class of components in it, 16 one component. */
export async function componentsByCode(trx: Tx, prefix: string, limit: number): Promise<ComponentRow[]> {
  const { rows } = await sql<ComponentRow>`select id::text as id, code, name, status, owner_department as "ownerDepartment",
      maintainer_department as "maintainerDepartment", grid_id::text as "gridId", st_x(point) as lng, st_y(point) as lat
    from component where code like ${`${prefix}%`} order by code limit ${limit}`.execute(trx);
  return rows;
}

/**
 * One export page, keyset-paginated by id so that a large export never holds everything at once. `wide`: the caller's
 * scope holds a large part of the table (a street or more). The planner cannot tell (row-level security's `path ? …`
 * is 1% of the rows to it, whatever the scope), and would read the whole scope through the GiST index and sort it for
 * every page; told so, it walks the id index from `after` and stops at `limit`. A narrow scope keeps the GiST plan.
 */
export async function exportPage(trx: Tx, kind: RegistryKind, after: string | null, limit: number, wide = false): Promise<Array<Record<string, unknown>>> {
  const from = after ?? '00000000-0000-0000-0000-000000000000';
  if (wide) {
    await sql`set local enable_bitmapscan = off`.execute(trx);
    await sql`set local enable_sort = off`.execute(trx);
  }
  switch (kind) {
    case 'persons':
      return (await sql<Record<string, unknown>>`select ${PERSON_COLUMNS} ${PERSON_FROM} where p.id > ${from}::uuid order by p.id limit ${limit}`.execute(trx)).rows;
    case 'households':
      return (
        await sql<Record<string, unknown>>`select id::text as id, number as "householdNumber", address, household_type as "householdType",
          phone_masked as "phoneMasked", phone_enc as "phoneEnc", grid_id::text as "gridId"
          from household where id > ${from}::uuid order by id limit ${limit}`.execute(trx)
      ).rows;
    case 'buildings':
      return (
        await sql<Record<string, unknown>>`select id::text as id, address, name, code, floors, use, st_x(point) as lng, st_y(point) as lat,
          grid_id::text as "gridId" from building where id > ${from}::uuid order by id limit ${limit}`.execute(trx)
      ).rows;
    case 'places':
      return (
        await sql<Record<string, unknown>>`select id::text as id, kind, name, address, st_x(point) as lng, st_y(point) as lat,
          grid_id::text as "gridId" from place where id > ${from}::uuid order by id limit ${limit}`.execute(trx)
      ).rows;
    case 'components':
      return (
        await sql<Record<string, unknown>>`select id::text as id, code, name, status, owner_department as "ownerDepartment",
          maintainer_department as "maintainerDepartment", st_x(point) as lng, st_y(point) as lat, grid_id::text as "gridId"
          from component where id > ${from}::uuid order by id limit ${limit}`.execute(trx)
      ).rows;
    case 'organisations':
      // The jurisdiction by its code: the column an import of the file reads back.
      return (
        await sql<Record<string, unknown>>`select o.id::text as id, o.kind, o.name, j.code as jurisdiction, o.contact_name as "contactName",
          o.contact_phone_masked as "contactPhoneMasked", o.contact_phone_enc as "contactPhoneEnc",
          array_to_string(o.compounds, '、') as compounds, o.address
          from organisation o join jurisdiction j on j.id = o.jurisdiction_id where o.id > ${from}::uuid order by o.id limit ${limit}`.execute(trx)
      ).rows;
  }
}

export interface ImportErrorRow {
  row: number;
  column: string | null;
  problem: string;
  detail: string | null;
}

/**
 * A page of an import's error report from row `afterRow` on, in row order. A page ends at a row's last error: rows are
 * whole in a page, so that the next page starts after the last row number.
 */
export async function importErrorsPage(trx: Tx, importId: string, afterRow: number, limit: number): Promise<ImportErrorRow[]> {
  const { rows } = await sql<ImportErrorRow>`select row_number as row, column_name as column, problem, detail from import_error
    where import_id = ${importId} and row_number > ${afterRow}
      and row_number <= coalesce((select max(n) from (select distinct row_number as n from import_error
        where import_id = ${importId} and row_number > ${afterRow} order by row_number limit ${limit}) w), ${afterRow})
    order by row_number, column_name nulls first, problem`.execute(trx);
  return rows;
}

export interface CompletenessRow {
  jurisdictionId: string;
  code: string;
  level: string;
  name: string;
  buildings: number;
  buildingsWithHouseholds: number;
  households: number;
  householdsWithMembers: number;
  persons: number;
  personsComplete: number;
  registered: number;
  floating: number;
  estimatedPopulation: number | null;
}

/**
 * The one definition of completeness (三(一)), per child of a node (or for the node itself when it is a grid):
 * - a building "has households" when a household or an open residence points at it;
 * - a household "has members" when an open residence points at it (`household.has_members`, kept by 0006's triggers);
 * - a person is complete as `person.complete` says (0006: a name, an ID number, a gender, a birth date, a phone and an
 *   open residence);
 * - registered and floating count open residences by type; the estimate is `jurisdiction.estimated_population`.
 * Each table is aggregated once, by the ancestor of its rows' path at the children's depth (materialised: the planner
 * must not run an aggregate per child), instead of counting a node's rows once per child and figure.
 */
export async function completeness(trx: Tx, node: { id: string; level: string; path: string }): Promise<CompletenessRow[]> {
  const depth = node.path.split('.').length + (node.level === 'grid' ? 0 : 1);
  const under = sql`${node.path}::ltree`;
  const part = (t: string) => sql.raw(`subpath(${t}.path, 0, ${Number(depth)})`);
  // Residences have no index on path: under a small node they are reached from its persons (an index lookup each),
  // under a large one read in one pass (a million lookups cost more than the scan).
  const types = sql`count(*) filter (where r.residence_type = 'registered')::int as registered,
    count(*) filter (where r.residence_type = 'floating')::int as floating`;
  const residences =
    node.level === 'grid' || node.level === 'community'
      ? sql`select ${part('p')} as part, ${types} from person p join residence r on r.person_id = p.id and r.moved_out is null
          where p.path <@ ${under} and nlevel(p.path) >= ${depth} group by 1`
      : sql`select ${part('r')} as part, ${types} from residence r
          where r.path <@ ${under} and nlevel(r.path) >= ${depth} and r.moved_out is null group by 1`;
  const { rows } = await sql<CompletenessRow>`
    with parts as (
      select j.id, j.code, j.level, j.name_zh_hans as name, j.path, j.estimated_population from jurisdiction j
      where j.valid_to is null and (case when ${node.level} = 'grid' then j.id = ${node.id} else j.parent_id = ${node.id} end)
    ),
    b as materialized (select ${part('b')} as part, count(*)::int as n,
        count(*) filter (where exists (select 1 from household h where h.building_id = b.id)
          or exists (select 1 from residence r where r.building_id = b.id and r.moved_out is null))::int as filled
      from building b where b.path <@ ${under} and nlevel(b.path) >= ${depth} group by 1),
    h as materialized (select ${part('h')} as part, count(*)::int as n, count(*) filter (where h.has_members)::int as filled
      from household h where h.path <@ ${under} and nlevel(h.path) >= ${depth} group by 1),
    p as materialized (select ${part('p')} as part, count(*)::int as n, count(*) filter (where p.complete)::int as complete
      from person p where p.path <@ ${under} and nlevel(p.path) >= ${depth} group by 1),
    r as materialized (${residences})
    select parts.id::text as "jurisdictionId", parts.code, parts.level, parts.name,
      coalesce(b.n, 0) as buildings, coalesce(b.filled, 0) as "buildingsWithHouseholds",
      coalesce(h.n, 0) as households, coalesce(h.filled, 0) as "householdsWithMembers",
      coalesce(p.n, 0) as persons, coalesce(p.complete, 0) as "personsComplete",
      coalesce(r.registered, 0) as registered, coalesce(r.floating, 0) as floating,
      parts.estimated_population as "estimatedPopulation"
    from parts left join b on b.part = parts.path left join h on h.part = parts.path left join p on p.part = parts.path
      left join r on r.part = parts.path
    order by parts.code`.execute(trx);
  return rows;
}

export const MISSING_KINDS = ['buildings_without_households', 'households_without_members', 'persons_incomplete'] as const;
export type MissingKind = (typeof MISSING_KINDS)[number];

export interface MissingRow {
  id: string;
  label: string;
  gridId: string | null;
  /** The code of the grid: with the id, the position of the row in the drill-down's order. */
  gridCode: string;
  /** For an incomplete person: the fields that are empty (by the definition of `person.complete`, 0006). */
  missing: string[];
}

export interface MissingAfter {
  gridCode: string;
  id: string;
}

/**
 * The records behind a completeness gap under a node, a page at a time: grid by grid in code order, and by id within
 * a grid, from `after` on. Each grid is one index range (`person_incomplete`, `household_empty`) read only as far as the page
 * needs, so a page costs the grids it passes and the rows it returns, however many persons the node holds.
 */
export async function missingRecords(trx: Tx, nodeId: string, kind: MissingKind, limit: number, after: MissingAfter | null): Promise<MissingRow[]> {
  // The planner takes row-level security's `path ? …` for 1% of the rows (it is all of them for a city-wide caller) and
  // would AND a bitmap of the whole GiST index with each grid's few rows: 1.9 s a grid instead of a fraction of a ms.
  await sql`set local enable_bitmapscan = off`.execute(trx);
  const { rows: grids } = await sql<{ id: string; code: string }>`select j.id::text as id, j.code from jurisdiction j
    where j.path <@ (select path from jurisdiction where id = ${nodeId} and valid_to is null)
      and j.level = 'grid' and j.valid_to is null and j.code >= ${after?.gridCode ?? ''} order by j.code`.execute(trx);
  const out: MissingRow[] = [];
  for (const g of grids) {
    const from = after && g.code === after.gridCode ? after.id : '00000000-0000-0000-0000-000000000000';
    const { rows } = await missingInGrid(kind, g, from, limit - out.length).execute(trx);
    out.push(...rows);
    if (out.length >= limit) break;
  }
  return out;
}

function missingInGrid(kind: MissingKind, g: { id: string; code: string }, from: string, limit: number): RawBuilder<MissingRow> {
  if (kind === 'buildings_without_households') {
    return sql`select b.id::text as id, b.address as label, b.grid_id::text as "gridId", ${g.code}::text as "gridCode", array[]::text[] as missing
      from building b where b.grid_id = ${g.id} and b.id > ${from}::uuid
        and not exists (select 1 from household h where h.building_id = b.id)
        and not exists (select 1 from residence r where r.building_id = b.id and r.moved_out is null)
      order by b.id limit ${limit}`;
  }
  if (kind === 'households_without_members') {
    return sql`select h.id::text as id, coalesce(h.number, h.address, '') as label, h.grid_id::text as "gridId", ${g.code}::text as "gridCode",
        array[]::text[] as missing
      from household h where h.grid_id = ${g.id} and not h.has_members and h.id > ${from}::uuid
      order by h.id limit ${limit}`;
  }
  return sql`select p.id::text as id, p.name as label, p.grid_id::text as "gridId", ${g.code}::text as "gridCode",
      array_remove(array[case when p.name = '' then 'name' end, case when p.id_number_index is null then 'idNumber' end,
        case when p.gender is null then 'gender' end, case when p.birth_date is null then 'birthDate' end,
        case when p.phone_index is null then 'phone' end, case when not p.residence_open then 'residence' end], null) as missing
    from person p where p.grid_id = ${g.id} and not p.complete and p.id > ${from}::uuid
    order by p.id limit ${limit}`;
}

export interface MapFeatureRow {
  id: string;
  label: string | null;
  status: string | null;
  gridId: string | null;
  geometry: string;
}

/**
 * Building footprints (or points, when `points`) and component points in a box, for the territory map. The box is
 * checked after the scope (spatial operators are not leakproof, so RLS narrows first); `limit` keeps a response small
 * enough to draw, and the map asks again, zoomed in, when it is reached.
 */
export async function mapFeatures(
  trx: Tx,
  layer: 'buildings' | 'components',
  box: [number, number, number, number],
  opts: { limit: number; points: boolean },
): Promise<MapFeatureRow[]> {
  const env = sql`st_makeenvelope(${box[0]}, ${box[1]}, ${box[2]}, ${box[3]}, 4326)`;
  if (layer === 'components') {
    return (
      await sql<MapFeatureRow>`select id::text as id, code as label, status, grid_id::text as "gridId", st_asgeojson(point, 6) as geometry
        from component where point && ${env} order by id limit ${opts.limit}`.execute(trx)
    ).rows;
  }
  const geom = opts.points ? sql`b.point` : sql`coalesce(b.footprint, b.point)`;
  return (
    await sql<MapFeatureRow>`select b.id::text as id, b.address as label, b.use as status, b.grid_id::text as "gridId",
        st_asgeojson(${geom}, 6) as geometry
      from building b where b.point && ${env} order by b.id limit ${opts.limit}`.execute(trx)
  ).rows;
}

/** What the third number of a map point means, per layer: an index into these lists. */
export const POINT_CATEGORIES = {
  components: ['intact', 'damaged', 'missing', 'occupied', 'abandoned'],
  buildings: ['residential', 'commercial', 'office', 'industrial', 'public', 'mixed', 'other'],
} as const;

/**
 * Every point of a layer in the caller's scope as one JSON array text, `[[lng, lat, category], …]` with coordinates
 * rounded to 5 decimals (about a metre): built by the database, so that 100,000 points cost one string, not 100,000
 * objects. Buildings give their centroid point; the category is the index of the status (components) or use.
 */
export async function mapPoints(trx: Tx, layer: 'buildings' | 'components'): Promise<string> {
  const cats = POINT_CATEGORIES[layer] as readonly string[];
  const rows =
    layer === 'components'
      ? sql`select point, coalesce(array_position(${cats}::text[], status), 0) - 1 as c from component`
      : sql`select point, coalesce(array_position(${cats}::text[], use), ${cats.length}) - 1 as c from building`;
  const { rows: out } = await sql<{ points: string }>`select coalesce(json_agg(json_build_array(round(st_x(t.point)::numeric, 5),
      round(st_y(t.point)::numeric, 5), t.c)), '[]')::text as points from (${rows}) t`.execute(trx);
  return out[0]?.points ?? '[]';
}
