import { sql } from 'kysely';
import type { Tx } from '../../../db/database.ts';
import { isTerritoryLevel, TERRITORY_LEVELS, type TerritoryLevel, validateCode } from '../../../domain/codes.ts';
import { newId } from '../../../domain/ids.ts';

export interface ImportFeature {
  index: number;
  code: string;
  level: TerritoryLevel;
  parentCode: string | null;
  nameZhHant: string;
  nameZhHans: string;
  nameEn: string;
  geometry: string;
}

export type ProblemKind =
  | 'malformed_file'
  | 'malformed_feature'
  | 'malformed_code'
  | 'duplicate_code'
  | 'missing_parent'
  | 'wrong_parent_level'
  | 'parent_changed'
  | 'invalid_geometry'
  | 'outside_parent'
  | 'overlap'
  | 'gap';

export interface ImportProblem {
  kind: ProblemKind;
  codes: string[];
  feature?: number;
  areaM2?: number;
  message: string;
}

export interface ImportReport {
  applied: boolean;
  features: number;
  toleranceM2: number;
  created: number;
  redrawn: number;
  renamed: number;
  unchanged: number;
  problems: ImportProblem[];
}

const LEVEL_LETTER: Record<TerritoryLevel, string> = {
  city: 'p',
  district: 'd',
  street: 's',
  community: 'c',
  grid: 'g',
  compound: 'k',
};

const PARENT_LEVEL: Record<TerritoryLevel, TerritoryLevel | null> = {
  city: null,
  district: 'city',
  street: 'district',
  community: 'street',
  grid: 'community',
  compound: 'grid',
};

export function pathLabel(level: TerritoryLevel, code: string): string {
  return `${LEVEL_LETTER[level]}${code}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function validRing(ring: unknown): boolean {
  if (!Array.isArray(ring) || ring.length < 4) return false;
  for (const pt of ring) {
    if (!Array.isArray(pt) || pt.length < 2) return false;
    const [x, y] = pt as unknown[];
    if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) return false;
    if (x < -180 || x > 180 || y < -90 || y > 90) return false;
  }
  const first = ring[0] as number[];
  const last = ring.at(-1) as number[];
  return first[0] === last[0] && first[1] === last[1];
}

function geometryProblem(g: unknown): string | null {
  if (!isRecord(g)) return 'geometry is missing';
  if (g.type === 'Polygon') {
    return Array.isArray(g.coordinates) && g.coordinates.length > 0 && g.coordinates.every(validRing)
      ? null
      : 'Polygon rings must be closed lists of at least 4 [lng, lat] positions in WGS 84';
  }
  if (g.type === 'MultiPolygon') {
    return Array.isArray(g.coordinates) &&
      g.coordinates.length > 0 &&
      g.coordinates.every((poly) => Array.isArray(poly) && poly.length > 0 && poly.every(validRing))
      ? null
      : 'MultiPolygon rings must be closed lists of at least 4 [lng, lat] positions in WGS 84';
  }
  return `geometry type must be Polygon or MultiPolygon, not ${String(g.type)}`;
}

function nameText(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' && v.length <= 200 ? v.trim() : null;
}

/** Structural checks done in memory before any SQL: shape, codes, names, duplicates, parent levels in the file. */
export function parseFeatureCollection(input: unknown): { features: ImportFeature[]; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const features: ImportFeature[] = [];
  if (!isRecord(input) || input.type !== 'FeatureCollection' || !Array.isArray(input.features)) {
    return {
      features,
      problems: [{ kind: 'malformed_file', codes: [], message: 'the file must be a GeoJSON FeatureCollection' }],
    };
  }
  const seen = new Map<string, number>();
  input.features.forEach((f: unknown, index: number) => {
    const props = isRecord(f) && isRecord(f.properties) ? f.properties : null;
    if (!isRecord(f) || f.type !== 'Feature' || !props) {
      problems.push({ kind: 'malformed_feature', codes: [], feature: index, message: `feature ${index} is not a GeoJSON Feature with properties` });
      return;
    }
    const code = typeof props.code === 'string' ? props.code.trim() : typeof props.code === 'number' ? String(props.code) : '';
    const level = typeof props.level === 'string' ? props.level : '';
    const parentRaw = props.parentCode;
    const parentCode =
      typeof parentRaw === 'string' && parentRaw.trim() !== '' ? parentRaw.trim() : typeof parentRaw === 'number' ? String(parentRaw) : null;
    const nameObj = isRecord(props.name) ? props.name : null;
    const zhHans = nameObj ? nameText(nameObj['zh-Hans']) : nameText(props.name);
    const zhHant = (nameObj ? nameText(nameObj['zh-Hant']) : nameText(props.nameZhHant)) ?? zhHans;
    const en = (nameObj ? nameText(nameObj.en) : nameText(props.nameEn)) ?? zhHans;
    const label = code || `#${index}`;
    if (!isTerritoryLevel(level)) {
      problems.push({ kind: 'malformed_feature', codes: [label], feature: index, message: `feature ${label}: level must be one of ${TERRITORY_LEVELS.join(', ')}` });
      return;
    }
    if (!zhHans || !zhHant || !en) {
      problems.push({ kind: 'malformed_feature', codes: [label], feature: index, message: `feature ${label}: name is missing` });
      return;
    }
    const codeErr = validateCode(level, code, level !== 'city' && parentCode ? parentCode : undefined);
    if (codeErr) {
      problems.push({
        kind: 'malformed_code',
        codes: [label],
        feature: index,
        message:
          codeErr === 'CODE_MALFORMED'
            ? `feature ${label}: not a valid ${level} code`
            : `feature ${label}: the code does not extend its parent's code ${parentCode}`,
      });
      return;
    }
    if (level !== 'city' && !parentCode) {
      problems.push({ kind: 'missing_parent', codes: [code], feature: index, message: `feature ${code}: parentCode is required below city level` });
      return;
    }
    const gErr = geometryProblem(f.geometry);
    if (gErr) {
      problems.push({ kind: 'invalid_geometry', codes: [code], feature: index, message: `feature ${code}: ${gErr}` });
      return;
    }
    const prior = seen.get(code);
    if (prior !== undefined) {
      problems.push({ kind: 'duplicate_code', codes: [code], feature: index, message: `code ${code} appears in features ${prior} and ${index}` });
      return;
    }
    seen.set(code, index);
    features.push({
      index,
      code,
      level,
      parentCode: level === 'city' ? null : parentCode,
      nameZhHant: zhHant,
      nameZhHans: zhHans,
      nameEn: en,
      geometry: JSON.stringify(f.geometry),
    });
  });
  return { features, problems };
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * Geometry checks as one aggregate row each. PGlite (electric-sql/pglite#916) can swallow a PostGIS error and answer
 * with no rows; an aggregate always answers one row, so no row means the check itself failed, never "no problems".
 */
async function checked<T>(trx: Tx, what: string, query: ReturnType<typeof sql>): Promise<T[]> {
  const { rows } = await sql<{ items: T[] }>`select coalesce(json_agg(t), '[]'::json) as items from (${query}) t`.execute(trx);
  if (rows.length !== 1 || !rows[0]) throw new Error(`the ${what} check of the territory could not be computed`);
  return rows[0].items;
}

/** Overlay operations on a fixed precision grid (0.1 mm), robust where floating-point overlay fails. */
const GRID = 1e-9;

/**
 * Validates the features against each other and the stored territory with PostGIS, and applies them when nothing is
 * wrong. Runs inside the caller's transaction: when problems are found the caller rolls back, so a bad file changes
 * nothing. Children that stick out of their parent by less than the tolerance are clipped to it.
 */
export async function validateAndApply(
  trx: Tx,
  features: ImportFeature[],
  toleranceM2: number,
  apply: boolean,
): Promise<ImportReport> {
  const report: ImportReport = {
    applied: false,
    features: features.length,
    toleranceM2,
    created: 0,
    redrawn: 0,
    renamed: 0,
    unchanged: 0,
    problems: [],
  };
  const problems = report.problems;
  await sql`create temp table territory_import (idx int, new_id uuid, code text primary key, level text,
    parent_code text, name_zh_hant text, name_zh_hans text, name_en text, geom geometry) on commit drop`.execute(trx);
  const CHUNK = 2000;
  for (let i = 0; i < features.length; i += CHUNK) {
    const part = features.slice(i, i + CHUNK);
    await sql`insert into territory_import
      select f.idx, f.new_id, f.code, f.level, f.parent_code, f.zh_hant, f.zh_hans, f.en,
        st_setsrid(st_geomfromgeojson(f.g), 4326)
      from unnest(${part.map((f) => f.index)}::int[], ${part.map(() => newId())}::uuid[], ${part.map((f) => f.code)}::text[],
        ${part.map((f) => f.level)}::text[], ${part.map((f) => f.parentCode)}::text[], ${part.map((f) => f.nameZhHant)}::text[],
        ${part.map((f) => f.nameZhHans)}::text[], ${part.map((f) => f.nameEn)}::text[], ${part.map((f) => f.geometry)}::text[])
        as f(idx, new_id, code, level, parent_code, zh_hant, zh_hans, en, g)`.execute(trx);
  }

  const { rows: invalid } = await sql<{ idx: number; code: string; reason: string }>`
    select idx, code, st_isvalidreason(geom) as reason from territory_import where not st_isvalid(geom) order by idx`.execute(trx);
  for (const r of invalid) {
    problems.push({ kind: 'invalid_geometry', codes: [r.code], feature: r.idx, message: `feature ${r.code}: ${r.reason}` });
  }
  if (problems.length) return report;

  // The territory as it would be after the import: the file's nodes over the stored current ones.
  await sql`create temp table territory_after on commit drop as
    select code, level, parent_code, geom, true as in_file from territory_import
    union all
    select j.code, j.level, p.code, j.geom, false from jurisdiction j left join jurisdiction p on p.id = j.parent_id
    where j.valid_to is null and not exists (select 1 from territory_import i where i.code = j.code)`.execute(trx);
  await sql`create index on territory_after using gist (geom)`.execute(trx);
  await sql`create index on territory_after (parent_code)`.execute(trx);

  const { rows: parents } = await sql<{ idx: number; code: string; level: string; parentCode: string; parentLevel: string | null }>`
    select i.idx, i.code, i.level, i.parent_code as "parentCode", a.level as "parentLevel"
    from territory_import i left join territory_after a on a.code = i.parent_code
    where i.parent_code is not null order by i.idx`.execute(trx);
  for (const r of parents) {
    if (r.parentLevel === null) {
      problems.push({ kind: 'missing_parent', codes: [r.code], feature: r.idx, message: `feature ${r.code}: parent ${r.parentCode} is neither in the file nor in the territory` });
    } else if (r.parentLevel !== PARENT_LEVEL[r.level as TerritoryLevel]) {
      problems.push({ kind: 'wrong_parent_level', codes: [r.code, r.parentCode], feature: r.idx, message: `feature ${r.code}: a ${r.level} cannot sit under a ${r.parentLevel}` });
    }
  }
  const { rows: moved } = await sql<{ idx: number; code: string }>`
    select i.idx, i.code from territory_import i join jurisdiction j on j.code = i.code and j.valid_to is null
    left join jurisdiction p on p.id = j.parent_id
    where coalesce(p.code, '') <> coalesce(i.parent_code, '') order by i.idx`.execute(trx);
  for (const r of moved) {
    problems.push({ kind: 'parent_changed', codes: [r.code], feature: r.idx, message: `feature ${r.code}: a node cannot move to another parent; give it a new code` });
  }
  if (problems.length) return report;

  const tol = toleranceM2;
  const outside = await checked<{ idx: number; code: string; parentCode: string; area: number }>(
    trx,
    'containment',
    sql`select i.idx, i.code, i.parent_code as "parentCode",
        st_area(st_difference(i.geom, p.geom, ${GRID}::float8)::geography) as area
      from territory_import i join territory_after p on p.code = i.parent_code
      where p.geom is not null and not st_coveredby(i.geom, p.geom)
        and st_area(st_difference(i.geom, p.geom, ${GRID}::float8)::geography) > ${tol} order by i.idx`,
  );
  for (const r of outside) {
    problems.push({
      kind: 'outside_parent',
      codes: [r.code, r.parentCode],
      feature: r.idx,
      areaM2: round(r.area),
      message: `${r.code} lies ${round(r.area)} m² outside its parent ${r.parentCode}`,
    });
  }
  const overlaps = await checked<{ a: string; b: string; area: number }>(
    trx,
    'overlap',
    sql`select a.code as a, b.code as b, st_area(st_intersection(a.geom, b.geom, ${GRID}::float8)::geography) as area
      from territory_after a join territory_after b
        on a.parent_code is not distinct from b.parent_code and a.code < b.code and st_intersects(a.geom, b.geom)
      where (a.in_file or b.in_file) and a.level <> 'compound'
        and st_area(st_intersection(a.geom, b.geom, ${GRID}::float8)::geography) > ${tol} order by a.code, b.code`,
  );
  for (const r of overlaps) {
    problems.push({ kind: 'overlap', codes: [r.a, r.b], areaM2: round(r.area), message: `${r.a} and ${r.b} overlap by ${round(r.area)} m²` });
  }
  // Gaps: every parent whose children the file touches must be tiled by them (compounds need not tile a grid).
  const gaps = await checked<{ code: string; area: number; children: number }>(
    trx,
    'gap',
    sql`with touched as (
        select distinct parent_code as code from territory_import where parent_code is not null and level <> 'compound'
        union select code from territory_import where level <> 'grid' and level <> 'compound'
      ), kids as (
        select c.parent_code as code, st_union(c.geom, ${GRID}::float8) as geom, count(*)::int as n
        from territory_after c join touched t on t.code = c.parent_code where c.level <> 'compound' group by c.parent_code
      )
      select p.code, st_area(st_difference(p.geom, k.geom, ${GRID}::float8)::geography) as area, k.n as children
      from kids k join territory_after p on p.code = k.code
      where p.geom is not null and st_area(st_difference(p.geom, k.geom, ${GRID}::float8)::geography) > ${tol} order by p.code`,
  );
  for (const r of gaps) {
    problems.push({
      kind: 'gap',
      codes: [r.code],
      areaM2: round(r.area),
      message: `the ${r.children} children of ${r.code} leave ${round(r.area)} m² of it uncovered`,
    });
  }
  if (problems.length || !apply) return report;

  // Clip what sticks out within the tolerance, so stored children never leave their parent.
  await sql`update territory_import i set geom = st_multi(st_collectionextract(st_intersection(i.geom, p.geom, ${GRID}::float8), 3))
    from territory_after p where p.code = i.parent_code and p.geom is not null and not st_coveredby(i.geom, p.geom)`.execute(trx);
  await sql`update territory_import set geom = st_multi(geom) where geometrytype(geom) = 'POLYGON'`.execute(trx);

  const { rows: unchanged } = await sql<{ n: number }>`select count(*)::int as n from territory_import i
    join jurisdiction j on j.code = i.code and j.valid_to is null
    where st_equals(j.geom, i.geom) and j.name_zh_hant = i.name_zh_hant and j.name_zh_hans = i.name_zh_hans
      and j.name_en = i.name_en and j.level = i.level`.execute(trx);
  report.unchanged = unchanged[0]?.n ?? 0;
  const { rows: renamed } = await sql<{ id: string }>`update jurisdiction j set name_zh_hant = i.name_zh_hant,
      name_zh_hans = i.name_zh_hans, name_en = i.name_en
    from territory_import i where j.code = i.code and j.valid_to is null and st_equals(j.geom, i.geom)
      and (j.name_zh_hant, j.name_zh_hans, j.name_en) is distinct from (i.name_zh_hant, i.name_zh_hans, i.name_en)
    returning j.id`.execute(trx);
  report.renamed = renamed.length;
  // A redrawn node keeps its history: the old row is closed and a new row takes the code.
  const { rows: retired } = await sql<{ id: string }>`update jurisdiction j set valid_to = now()
    from territory_import i where j.code = i.code and j.valid_to is null and not st_equals(j.geom, i.geom)
    returning j.id`.execute(trx);
  report.redrawn = retired.length;
  for (const level of TERRITORY_LEVELS) {
    const { rows: inserted } = await sql<{ id: string }>`insert into jurisdiction
        (id, parent_id, level, code, name_zh_hant, name_zh_hans, name_en, path, geom, area_m2)
      select i.new_id, p.id, i.level, i.code, i.name_zh_hant, i.name_zh_hans, i.name_en,
        case when p.id is null then text2ltree(${LEVEL_LETTER[level]} || i.code)
          else p.path || text2ltree(${LEVEL_LETTER[level]} || i.code) end,
        i.geom, st_area(i.geom::geography)
      from territory_import i left join jurisdiction p on p.code = i.parent_code and p.valid_to is null
      where i.level = ${level}
        and not exists (select 1 from jurisdiction j where j.code = i.code and j.valid_to is null)
      returning id`.execute(trx);
    report.created += inserted.length;
  }
  report.created -= report.redrawn;
  // Children of a redrawn node follow the node's new row.
  await sql`update jurisdiction c set parent_id = n.id
    from jurisdiction o join jurisdiction n on n.code = o.code and n.valid_to is null
    where c.parent_id = o.id and o.valid_to is not null and c.valid_to is null`.execute(trx);
  report.applied = true;
  return report;
}
