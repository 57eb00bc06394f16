/** The registry's read SQL: search, the record of a person, export pages, completeness. Scope is RLS's job. */
import { sql } from 'kysely';
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

const PERSON_FROM = sql`from person p
  left join residence r on r.person_id = p.id and r.moved_out is null
  left join household h on h.id = r.household_id
  left join building b on b.id = coalesce(r.building_id, h.building_id)`;

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

/** One export page, keyset-paginated by id so that a large export never holds everything at once. */
export async function exportPage(trx: Tx, kind: RegistryKind, after: string | null, limit: number): Promise<Array<Record<string, unknown>>> {
  const from = after ?? '00000000-0000-0000-0000-000000000000';
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
  }
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
 * - a household "has members" when an open residence points at it;
 * - a person is "complete" with a name, an ID number, a gender, a birth date, a phone and an open residence;
 * - registered and floating count open residences by type; the estimate is `jurisdiction.estimated_population`.
 */
export async function completeness(trx: Tx, nodeId: string): Promise<CompletenessRow[]> {
  const { rows } = await sql<CompletenessRow>`
    with node as (select id, path, level from jurisdiction where id = ${nodeId} and valid_to is null),
    parts as (
      select j.id, j.code, j.level, j.name_zh_hans as name, j.path, j.estimated_population from jurisdiction j, node n
      where j.valid_to is null and ((n.level = 'grid' and j.id = n.id) or (n.level <> 'grid' and j.parent_id = n.id))
    ),
    b as (select b.id, b.path, exists (select 1 from household h where h.building_id = b.id)
            or exists (select 1 from residence r where r.building_id = b.id and r.moved_out is null) as filled
          from building b, node n where b.path <@ n.path),
    h as (select h.id, h.path, exists (select 1 from residence r where r.household_id = h.id and r.moved_out is null) as filled
          from household h, node n where h.path <@ n.path),
    p as (select p.id, p.path, r.residence_type,
            (p.name <> '' and p.id_number_index is not null and p.gender is not null and p.birth_date is not null
              and p.phone_index is not null and r.id is not null) as filled
          from person p join node n on p.path <@ n.path
          left join residence r on r.person_id = p.id and r.moved_out is null)
    select parts.id::text as "jurisdictionId", parts.code, parts.level, parts.name,
      (select count(*) from b where b.path <@ parts.path)::int as buildings,
      (select count(*) from b where b.path <@ parts.path and b.filled)::int as "buildingsWithHouseholds",
      (select count(*) from h where h.path <@ parts.path)::int as households,
      (select count(*) from h where h.path <@ parts.path and h.filled)::int as "householdsWithMembers",
      (select count(*) from p where p.path <@ parts.path)::int as persons,
      (select count(*) from p where p.path <@ parts.path and p.filled)::int as "personsComplete",
      (select count(*) from p where p.path <@ parts.path and p.residence_type = 'registered')::int as registered,
      (select count(*) from p where p.path <@ parts.path and p.residence_type = 'floating')::int as floating,
      parts.estimated_population as "estimatedPopulation"
    from parts order by parts.code`.execute(trx);
  return rows;
}

export const MISSING_KINDS = ['buildings_without_households', 'households_without_members', 'persons_incomplete'] as const;
export type MissingKind = (typeof MISSING_KINDS)[number];

export interface MissingRow {
  id: string;
  label: string;
  gridId: string | null;
  /** For an incomplete person: the fields that are empty (by the definition of `completeness`). */
  missing: string[];
}

/** The records behind a completeness gap, under a node: the drill-down of the completeness table. */
export async function missingRecords(trx: Tx, nodeId: string, kind: MissingKind, limit: number): Promise<MissingRow[]> {
  const node = sql`(select path from jurisdiction where id = ${nodeId} and valid_to is null)`;
  if (kind === 'buildings_without_households') {
    return (
      await sql<MissingRow>`select b.id::text as id, b.address as label, b.grid_id::text as "gridId", array[]::text[] as missing
        from building b where b.path <@ ${node}
          and not exists (select 1 from household h where h.building_id = b.id)
          and not exists (select 1 from residence r where r.building_id = b.id and r.moved_out is null)
        order by b.address limit ${limit}`.execute(trx)
    ).rows;
  }
  if (kind === 'households_without_members') {
    return (
      await sql<MissingRow>`select h.id::text as id, coalesce(h.number, h.address, '') as label, h.grid_id::text as "gridId", array[]::text[] as missing
        from household h where h.path <@ ${node}
          and not exists (select 1 from residence r where r.household_id = h.id and r.moved_out is null)
        order by h.number limit ${limit}`.execute(trx)
    ).rows;
  }
  return (
    await sql<MissingRow>`select * from (select p.id::text as id, p.name as label, p.grid_id::text as "gridId",
        array_remove(array[case when p.name = '' then 'name' end, case when p.id_number_index is null then 'idNumber' end,
          case when p.gender is null then 'gender' end, case when p.birth_date is null then 'birthDate' end,
          case when p.phone_index is null then 'phone' end, case when r.id is null then 'residence' end], null) as missing
      from person p left join residence r on r.person_id = p.id and r.moved_out is null
      where p.path <@ ${node}) x where cardinality(x.missing) > 0 order by x.label, x.id limit ${limit}`.execute(trx)
  ).rows;
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
