import { sql } from 'kysely';
import type { Tx } from '../../../db/database.ts';

export interface JurisdictionRow {
  id: string;
  parentId: string | null;
  level: string;
  code: string;
  nameZhHant: string;
  nameZhHans: string;
  nameEn: string;
  path: string;
  inScope: boolean;
  areaM2: number | null;
  validFrom: Date;
  validTo: Date | null;
}

const COLUMNS = sql`id, parent_id as "parentId", level, code, name_zh_hant as "nameZhHant", name_zh_hans as "nameZhHans",
  name_en as "nameEn", path::text as path, (gridloop_scope_all() or path <@ gridloop_scope()) as "inScope",
  area_m2 as "areaM2", valid_from as "validFrom", valid_to as "validTo"`;

/** Nodes visible to the caller (RLS: scope subtrees and their ancestors), in path order, keyset-paged. */
export async function listJurisdictions(
  trx: Tx,
  q: { parentId?: string; level?: string; limit: number; afterPath?: string },
): Promise<JurisdictionRow[]> {
  const { rows } = await sql<JurisdictionRow>`select ${COLUMNS} from jurisdiction
    where valid_to is null
      ${q.parentId ? sql`and parent_id = ${q.parentId}` : sql``}
      ${q.level ? sql`and level = ${q.level}` : sql``}
      ${q.afterPath ? sql`and path::text > ${q.afterPath}` : sql``}
    order by path::text limit ${q.limit}`.execute(trx);
  return rows;
}

export async function getJurisdiction(trx: Tx, id: string): Promise<JurisdictionRow | null> {
  const { rows } = await sql<JurisdictionRow>`select ${COLUMNS} from jurisdiction where id = ${id}`.execute(trx);
  return rows[0] ?? null;
}

export async function findCurrentByCode(trx: Tx, code: string): Promise<JurisdictionRow | null> {
  const { rows } = await sql<JurisdictionRow>`select ${COLUMNS} from jurisdiction
    where code = ${code} and valid_to is null`.execute(trx);
  return rows[0] ?? null;
}

export interface FeatureRow {
  id: string;
  code: string;
  level: string;
  nameZhHant: string;
  nameZhHans: string;
  nameEn: string;
  parentCode: string | null;
  areaM2: number | null;
  geometry: string | null;
}

/** Current nodes inside the caller's scope (not the ancestors above it), with geometry as GeoJSON text. */
export async function featuresInScope(trx: Tx, level?: string): Promise<FeatureRow[]> {
  const { rows } = await sql<FeatureRow>`select j.id, j.code, j.level, j.name_zh_hant as "nameZhHant",
      j.name_zh_hans as "nameZhHans", j.name_en as "nameEn", p.code as "parentCode", j.area_m2 as "areaM2",
      st_asgeojson(j.geom, 7) as geometry
    from jurisdiction j left join jurisdiction p on p.id = j.parent_id
    where j.valid_to is null and (gridloop_scope_all() or j.path <@ gridloop_scope())
      ${level ? sql`and j.level = ${level}` : sql``}
    order by j.path::text`.execute(trx);
  return rows;
}

export interface IndexNode {
  id: string;
  parentId: string | null;
  path: string;
  level: string;
  code: string;
  nameZhHant: string;
  nameZhHans: string;
  nameEn: string;
  geometry: string | null;
}

/**
 * Every current node, grids with their geometry: the routing index's source (read by a system job). Coordinates keep
 * 15 decimals, all a double holds at city longitudes: rounded to 9, a vertex of one grid on the edge of another moves
 * by up to 1e-9° and may leave the boundary tolerance, so the index and PostGIS would disagree on it.
 */
export async function nodesForIndex(trx: Tx): Promise<IndexNode[]> {
  const { rows } = await sql<IndexNode>`select id, parent_id as "parentId", path::text as path, level, code, name_zh_hant as "nameZhHant",
      name_zh_hans as "nameZhHans", name_en as "nameEn",
      case when level = 'grid' then st_asgeojson(geom, 15) end as geometry
    from jurisdiction where valid_to is null`.execute(trx);
  return rows;
}
