/**
 * What each kind of import does with a batch of valid rows: deduplicate, place in a building and a grid, check the
 * scope, and stage the rows with the statements that write them (see `import.ts` for the engine that runs them).
 */
import { sql } from 'kysely';
import { systemCaller } from '../../../db/caller.ts';
import { newId } from '../../../domain/ids.ts';
import type { CsvValue } from '../../../demo/copy.ts';
import type { RegistryKind } from './columns.ts';
import type { RowError } from './import.ts';
import { parseOrganisation, planOrganisations } from './organisation-import.ts';
import { PERSONAL_FIELDS, seal } from './personal.ts';
import {
  csvOf,
  firstInFile,
  inScope,
  type KindEngine,
  type Parser,
  PLACE_SET,
  PLACEMENT_COLUMNS,
  type Pending,
  type Planner,
  pgArray,
  placementCells,
  placePoints,
  refuse,
} from './plan-steps.ts';
import {
  type BuildingValues,
  type ComponentValues,
  type HouseholdValues,
  type PersonValues,
  type PlaceValues,
  parseBuilding,
  parseComponent,
  parseHousehold,
  parsePerson,
  parsePlace,
} from './rows.ts';
import * as store from './store.ts';

// ---------------------------------------------------------------------------------------------------------------
// Persons.

const PERSON_STAGE: ReadonlyArray<readonly [string, string]> = [
  ['id', 'uuid'],
  ['existing_id', 'uuid'],
  ...PLACEMENT_COLUMNS,
  ['name', 'text'],
  ['name_key', 'text'],
  ['id_type', 'text'],
  ['id_number_enc', 'text'],
  ['id_number_index', 'text'],
  ['id_number_masked', 'text'],
  ['phone_enc', 'text'],
  ['phone_index', 'text'],
  ['phone_masked', 'text'],
  ['gender', 'text'],
  ['birth_date', 'date'],
  ['care_tags', 'text[]'],
  ['household_id', 'uuid'],
  ['building_id', 'uuid'],
  ['relation', 'text'],
  ['residence_type', 'text'],
  ['moved_in', 'date'],
  ['residence_id', 'uuid'],
];

const HOUSEHOLD_STAGE: ReadonlyArray<readonly [string, string]> = [
  ['id', 'uuid'],
  ['existing_id', 'uuid'],
  ...PLACEMENT_COLUMNS,
  ['building_id', 'uuid'],
  ['number', 'text'],
  ['address', 'text'],
  ['household_type', 'text'],
  ['phone_enc', 'text'],
  ['phone_index', 'text'],
  ['phone_masked', 'text'],
];

const [ID_FIELD, PHONE_FIELD] = PERSONAL_FIELDS.person;

const planPersons: Planner<PersonValues> = async (state, rows) => {
  const { deps, spec } = state;
  const refused: RowError[] = [];
  let skipped = 0;
  let updates = 0;
  const live: Array<Pending<PersonValues> & { index: string }> = [];
  for (const r of rows) {
    const index = deps.cipher.blindIndex(r.value.idNumber);
    const prior = firstInFile(state, `id:${index}`, r.row);
    if (prior !== null) refused.push(refuse(r.row, 'idNumber', 'duplicate_in_file', `row ${prior}`));
    else live.push({ ...r, index });
  }
  const keys = [...new Set(live.map((r) => r.value.addressKey).filter((k): k is string => k !== null))];
  const numbers = [...new Set(live.map((r) => r.value.householdNumber).filter((n): n is string => n !== null && !state.households.has(n)))];
  const { buildings, households } = await deps.db.run(systemCaller('registry-import'), async (trx) => ({
    buildings: await store.matchBuildings(trx, keys, deps.addressThreshold),
    households: await store.householdsByNumber(trx, numbers),
  }));
  const { mine, elsewhere } = await deps.db.run(spec.caller, async (trx) => {
    const indexes = live.map((r) => r.index);
    const found = await store.personsByIndex(trx, indexes);
    return { mine: found, elsewhere: await store.personsElsewhere(trx, indexes.filter((i) => !found.has(i))) };
  });
  // Rows that neither a household nor a building places fall back on their coordinates.
  const needPoint = live.map((r) => {
    const byHousehold = r.value.householdNumber !== null && (households.has(r.value.householdNumber) || state.households.has(r.value.householdNumber));
    const byBuilding = r.value.addressKey !== null && buildings.has(r.value.addressKey);
    return byHousehold || byBuilding ? null : r.value.point;
  });
  const located = await placePoints(state, needPoint);

  const personCsv: CsvValue[][] = [];
  const householdCsv: CsvValue[][] = [];
  live.forEach((r, i) => {
    const v = r.value;
    let place: store.Placement | null = null;
    let householdId: string | null = null;
    let buildingId: string | null = null;
    const building = v.addressKey !== null ? buildings.get(v.addressKey) : undefined;
    if (v.householdNumber !== null) {
      const made = state.households.get(v.householdNumber);
      const known = households.get(v.householdNumber);
      if (made) {
        place = made.place;
        householdId = made.id;
        buildingId = made.buildingId;
      } else if (known) {
        place = known;
        householdId = known.householdId;
        buildingId = known.buildingId;
      } else if (building) {
        // A household the file names for the first time, in the building its address matches.
        if (!inScope(spec.caller, building.path)) {
          refused.push(refuse(r.row, 'address', 'outside_scope'));
          return;
        }
        householdId = newId();
        buildingId = building.buildingId;
        place = building;
        state.households.set(v.householdNumber, { id: householdId, buildingId, place });
        householdCsv.push([householdId, null, ...placementCells(building), buildingId, v.householdNumber, v.address, null, null, null, null]);
      } else if (v.address === null) {
        refused.push(refuse(r.row, 'householdNumber', 'household_unknown'));
        return;
      }
    }
    if (place === null && building) {
      place = building;
      buildingId = building.buildingId;
    }
    if (place === null) {
      const at = located[i];
      if (at === 'outside_grids') {
        refused.push(refuse(r.row, 'lng', 'outside_grids'));
        return;
      }
      if (!at) {
        refused.push(refuse(r.row, 'address', 'address_unmatched', v.address?.slice(0, 80)));
        return;
      }
      place = at;
    }
    if (!inScope(spec.caller, place.path)) {
      refused.push(refuse(r.row, v.householdNumber !== null && householdId !== null ? 'householdNumber' : 'address', 'outside_scope'));
      return;
    }
    const existing = mine.get(r.index);
    if (!existing && elsewhere.has(r.index)) {
      refused.push(refuse(r.row, 'idNumber', 'exists_elsewhere'));
      return;
    }
    if (existing && spec.mode === 'skip') {
      skipped++;
      return;
    }
    if (existing) updates++;
    const id = seal(deps.cipher, ID_FIELD, v.idNumber);
    const phone = seal(deps.cipher, PHONE_FIELD, v.phone);
    personCsv.push([
      existing ? existing.id : newId(),
      existing ? existing.id : null,
      ...placementCells(place),
      v.name,
      v.nameKey,
      v.idType,
      id.enc,
      r.index,
      id.masked,
      phone.enc,
      phone.index,
      phone.masked,
      v.gender,
      v.birthDate,
      pgArray(v.careTags),
      householdId,
      buildingId,
      v.relation,
      v.residenceType,
      v.movedIn,
      newId(),
    ]);
  });
  const imp = spec.id;
  return {
    refused,
    skipped,
    stages: [
      { name: 'stage_household', columns: HOUSEHOLD_STAGE, csv: csvOf(householdCsv) },
      { name: 'stage_person', columns: PERSON_STAGE, csv: csvOf(personCsv) },
    ],
    apply: async (exec) => {
      // Households this file names for the first time get their first member below, in this transaction.
      await exec(sql`insert into household (id, district_id, street_id, community_id, grid_id, path, building_id, number, address, has_members, import_id)
        select id, district_id, street_id, community_id, grid_id, path, building_id, number, address, true, ${imp} from stage_household`);
      // A batch of new persons only (a first import) skips the statements about persons already registered: under
      // row-level security the planner may read every person in scope to join them with an empty set.
      const updated = updates === 0 ? [] : await updatePersons(exec, imp);
      // New persons get their open residence below, in this transaction: flagged so at once (see 0006_registry_more.sql).
      const inserted = await exec<{ id: string }>(sql`insert into person (id, district_id, street_id, community_id, grid_id, path,
          name, name_key, id_type, id_number_enc, id_number_index, id_number_masked, phone_enc, phone_index, phone_masked,
          gender, birth_date, care_tags, residence_open, import_id)
        select id, district_id, street_id, community_id, grid_id, path, name, name_key, id_type, id_number_enc, id_number_index,
          id_number_masked, phone_enc, phone_index, phone_masked, gender, birth_date, care_tags, true, ${imp}
        from stage_person where existing_id is null returning id`);
      if (updates > 0) {
        // A person who moved: the open residence is closed (and journaled), and a new one opened. The past stays.
        const moved = sql`select r.id from residence r join stage_person s on r.person_id = s.existing_id
          where r.moved_out is null and (r.household_id is distinct from s.household_id or r.building_id is distinct from s.building_id)`;
        await exec(store.journal('residence', imp, moved));
        await exec(sql`update residence set moved_out = current_date where id in (${moved})`);
      }
      await exec(sql`insert into residence (id, district_id, path, person_id, household_id, building_id, relation, residence_type, moved_in, import_id)
        select s.residence_id, s.district_id, s.path, coalesce(s.existing_id, s.id), s.household_id, s.building_id, s.relation,
          s.residence_type, s.moved_in, ${imp}
        from stage_person s where s.existing_id is null
          or not exists (select 1 from residence r where r.person_id = s.existing_id and r.moved_out is null)`);
      return { written: inserted.length, updated: updated.length };
    },
  };
};

/** Persons of the batch already registered: journaled, then updated from the staged rows. */
async function updatePersons(exec: store.Exec, imp: string): Promise<Array<{ id: string }>> {
  await exec(store.journal('person', imp, sql`select existing_id from stage_person where existing_id is not null`));
  return exec<{ id: string }>(sql`update person p set ${PLACE_SET}, name = s.name, name_key = s.name_key,
          id_type = s.id_type, id_number_enc = s.id_number_enc, id_number_index = s.id_number_index,
          id_number_masked = s.id_number_masked, phone_enc = coalesce(s.phone_enc, p.phone_enc),
          phone_index = coalesce(s.phone_index, p.phone_index), phone_masked = coalesce(s.phone_masked, p.phone_masked),
          gender = coalesce(s.gender, p.gender), birth_date = coalesce(s.birth_date, p.birth_date), care_tags = s.care_tags,
          import_id = ${imp}, updated_at = now()
        from stage_person s where p.id = s.existing_id returning p.id`);
}

// ---------------------------------------------------------------------------------------------------------------
// Buildings.

const BUILDING_STAGE: ReadonlyArray<readonly [string, string]> = [
  ['id', 'uuid'],
  ['existing_id', 'uuid'],
  ...PLACEMENT_COLUMNS,
  ['address', 'text'],
  ['address_key', 'text'],
  ['name', 'text'],
  ['code', 'text'],
  ['floors', 'integer'],
  ['use', 'text'],
  ['footprint', 'text'],
  ['footprint_format', 'text'],
  ['lng', 'float8'],
  ['lat', 'float8'],
];

/** GeoJSON as PostGIS reads it: the geometry, not a Feature around it. */
function geometryText(v: BuildingValues): string | null {
  if (v.footprint === null || v.footprintFormat !== 'geojson') return v.footprint;
  const g = JSON.parse(v.footprint) as { type?: string; geometry?: unknown };
  return JSON.stringify(g.type === 'Feature' ? g.geometry : g);
}

const planBuildings: Planner<BuildingValues> = async (state, rows) => {
  const { deps, spec } = state;
  const refused: RowError[] = [];
  let skipped = 0;
  const live = rows.filter((r) => {
    const prior = firstInFile(state, `addr:${r.value.addressKey}`, r.row);
    if (prior !== null) refused.push(refuse(r.row, 'address', 'duplicate_in_file', `row ${prior}`));
    return prior === null;
  });
  const located = await placePoints(state, live.map((r) => r.value.point));
  const existing = await deps.db.run(spec.caller, async (trx) => {
    const keys = live.map((r) => r.value.addressKey);
    const { rows: found } = await sql<{ key: string; id: string }>`select distinct on (address_key) address_key as key, id::text as id
      from building where address_key = any(${keys}::text[]) order by address_key, id`.execute(trx);
    return new Map(found.map((f) => [f.key, f.id]));
  });
  const csv: CsvValue[][] = [];
  live.forEach((r, i) => {
    const v = r.value;
    const at = located[i];
    if (!at || at === 'outside_grids') {
      refused.push(refuse(r.row, v.footprint !== null ? 'footprint' : 'lng', 'outside_grids'));
      return;
    }
    if (!inScope(spec.caller, at.path)) {
      refused.push(refuse(r.row, 'address', 'outside_scope'));
      return;
    }
    const prior = existing.get(v.addressKey);
    if (prior && spec.mode === 'skip') {
      skipped++;
      return;
    }
    csv.push([prior ?? newId(), prior ?? null, ...placementCells(at), v.address, v.addressKey, v.name, v.code, v.floors, v.use,
      geometryText(v), v.footprintFormat, v.point?.lng ?? null, v.point?.lat ?? null]);
  });
  const imp = spec.id;
  const footprint = sql.raw(`case s.footprint_format
      when 'wkt' then st_multi(st_collectionextract(st_makevalid(st_geomfromtext(s.footprint, 4326)), 3))
      when 'geojson' then st_multi(st_collectionextract(st_makevalid(st_setsrid(st_geomfromgeojson(s.footprint), 4326)), 3))
    end`);
  return {
    refused,
    skipped,
    stages: [{ name: 'stage_building', columns: BUILDING_STAGE, csv: csvOf(csv) }],
    apply: async (exec) => {
      await exec(store.journal('building', imp, sql`select existing_id from stage_building where existing_id is not null`));
      const updated = await exec(sql`update building b set ${PLACE_SET}, address = s.address, address_key = s.address_key,
          name = coalesce(s.name, b.name), code = coalesce(s.code, b.code), floors = coalesce(s.floors, b.floors),
          use = coalesce(s.use, b.use), footprint = coalesce(${footprint}, b.footprint),
          point = st_setsrid(st_point(s.lng, s.lat), 4326), import_id = ${imp}, updated_at = now()
        from stage_building s where b.id = s.existing_id returning b.id`);
      const inserted = await exec(sql`insert into building (id, district_id, street_id, community_id, grid_id, path, address,
          address_key, name, code, floors, use, footprint, point, import_id)
        select s.id, s.district_id, s.street_id, s.community_id, s.grid_id, s.path, s.address, s.address_key, s.name, s.code,
          s.floors, s.use, ${footprint}, st_setsrid(st_point(s.lng, s.lat), 4326), ${imp}
        from stage_building s where s.existing_id is null returning id`);
      return { written: inserted.length, updated: updated.length };
    },
  };
};

// ---------------------------------------------------------------------------------------------------------------
// Households.

const planHouseholds: Planner<HouseholdValues> = async (state, rows) => {
  const { deps, spec } = state;
  const refused: RowError[] = [];
  let skipped = 0;
  const live = rows.filter((r) => {
    const prior = firstInFile(state, `hh:${r.value.number}`, r.row);
    if (prior !== null) refused.push(refuse(r.row, 'householdNumber', 'duplicate_in_file', `row ${prior}`));
    return prior === null;
  });
  const { buildings, known } = await deps.db.run(systemCaller('registry-import'), async (trx) => ({
    buildings: await store.matchBuildings(trx, [...new Set(live.map((r) => r.value.addressKey))], deps.addressThreshold),
    known: await store.householdsByNumber(trx, live.map((r) => r.value.number)),
  }));
  const csv: CsvValue[][] = [];
  for (const r of live) {
    const v = r.value;
    const prior = known.get(v.number);
    if (prior && !inScope(spec.caller, prior.path)) {
      refused.push(refuse(r.row, 'householdNumber', 'exists_elsewhere'));
      continue;
    }
    const b = buildings.get(v.addressKey);
    if (!b) {
      refused.push(refuse(r.row, 'address', 'address_unmatched', v.address.slice(0, 80)));
      continue;
    }
    if (!inScope(spec.caller, b.path)) {
      refused.push(refuse(r.row, 'address', 'outside_scope'));
      continue;
    }
    if (prior && spec.mode === 'skip') {
      skipped++;
      continue;
    }
    const phone = seal(deps.cipher, PERSONAL_FIELDS.household[0], v.phone);
    csv.push([prior?.householdId ?? newId(), prior?.householdId ?? null, ...placementCells(b), b.buildingId, v.number, v.address,
      v.householdType, phone.enc, phone.index, phone.masked]);
  }
  const imp = spec.id;
  return {
    refused,
    skipped,
    stages: [{ name: 'stage_household', columns: HOUSEHOLD_STAGE, csv: csvOf(csv) }],
    apply: async (exec) => {
      await exec(store.journal('household', imp, sql`select existing_id from stage_household where existing_id is not null`));
      const updated = await exec(sql`update household h set ${PLACE_SET}, building_id = s.building_id, address = s.address,
          household_type = coalesce(s.household_type, h.household_type), phone_enc = coalesce(s.phone_enc, h.phone_enc),
          phone_index = coalesce(s.phone_index, h.phone_index), phone_masked = coalesce(s.phone_masked, h.phone_masked), import_id = ${imp}
        from stage_household s where h.id = s.existing_id returning h.id`);
      const inserted = await exec(sql`insert into household (id, district_id, street_id, community_id, grid_id, path, building_id,
          number, address, household_type, phone_enc, phone_index, phone_masked, import_id)
        select id, district_id, street_id, community_id, grid_id, path, building_id, number, address, household_type, phone_enc,
          phone_index, phone_masked, ${imp} from stage_household where existing_id is null returning id`);
      return { written: inserted.length, updated: updated.length };
    },
  };
};

// ---------------------------------------------------------------------------------------------------------------
// Places (no natural key: every row is a new place) and components (keyed by their 16-digit code).

const PLACE_STAGE: ReadonlyArray<readonly [string, string]> = [
  ['id', 'uuid'],
  ...PLACEMENT_COLUMNS,
  ['kind', 'text'],
  ['name', 'text'],
  ['address', 'text'],
  ['lng', 'float8'],
  ['lat', 'float8'],
  ['building_id', 'uuid'],
];

const planPlaces: Planner<PlaceValues> = async (state, rows) => {
  const { deps, spec } = state;
  const refused: RowError[] = [];
  const keys = [...new Set(rows.map((r) => r.value.addressKey).filter((k): k is string => k !== null))];
  const buildings = await deps.db.run(systemCaller('registry-import'), (trx) => store.matchBuildings(trx, keys, deps.addressThreshold));
  const located = await placePoints(state, rows.map((r) => r.value.point));
  const csv: CsvValue[][] = [];
  rows.forEach((r, i) => {
    const v = r.value;
    const b = v.addressKey !== null ? buildings.get(v.addressKey) : undefined;
    const at = located[i];
    let place: store.Placement | null = at && at !== 'outside_grids' ? at : null;
    if (place === null && b) place = b;
    if (place === null) {
      refused.push(at === 'outside_grids' ? refuse(r.row, 'lng', 'outside_grids') : refuse(r.row, 'address', 'address_unmatched'));
      return;
    }
    if (!inScope(spec.caller, place.path)) {
      refused.push(refuse(r.row, 'address', 'outside_scope'));
      return;
    }
    csv.push([newId(), ...placementCells(place), v.kind, v.name, v.address, v.point?.lng ?? null, v.point?.lat ?? null, b?.buildingId ?? null]);
  });
  const imp = spec.id;
  return {
    refused,
    skipped: 0,
    stages: [{ name: 'stage_place', columns: PLACE_STAGE, csv: csvOf(csv) }],
    apply: async (exec) => {
      // Without coordinates a place stands where its building does.
      const inserted = await exec(sql`insert into place (id, district_id, street_id, community_id, grid_id, path, kind, name, address, point, import_id)
        select s.id, s.district_id, s.street_id, s.community_id, s.grid_id, s.path, s.kind, s.name, s.address,
          coalesce(st_setsrid(st_point(s.lng, s.lat), 4326), (select b.point from building b where b.id = s.building_id)), ${imp}
        from stage_place s returning id`);
      return { written: inserted.length, updated: 0 };
    },
  };
};

const planComponents: Planner<ComponentValues> = async (state, rows) => {
  const { deps, spec } = state;
  const refused: RowError[] = [];
  let skipped = 0;
  const live = rows.filter((r) => {
    const prior = firstInFile(state, `code:${r.value.code}`, r.row);
    if (prior !== null) refused.push(refuse(r.row, 'code', 'duplicate_in_file', `row ${prior}`));
    return prior === null;
  });
  const known = await deps.db.run(systemCaller('registry-import'), async (trx) => {
    const { rows: found } = await sql<{ code: string; id: string; path: string }>`select code, id::text as id, path::text as path
      from component where code = any(${live.map((r) => r.value.code)}::text[])`.execute(trx);
    return new Map(found.map((f) => [f.code, f]));
  });
  const located = await placePoints(state, live.map((r) => r.value.point));
  const csv: CsvValue[][] = [];
  live.forEach((r, i) => {
    const v = r.value;
    const at = located[i];
    const prior = known.get(v.code);
    if (prior && !inScope(spec.caller, prior.path)) {
      refused.push(refuse(r.row, 'code', 'exists_elsewhere'));
      return;
    }
    if (!at || at === 'outside_grids') {
      refused.push(refuse(r.row, 'lng', 'outside_grids'));
      return;
    }
    if (!inScope(spec.caller, at.path)) {
      refused.push(refuse(r.row, 'lng', 'outside_scope'));
      return;
    }
    if (prior && spec.mode === 'skip') {
      skipped++;
      return;
    }
    csv.push([prior?.id ?? newId(), prior?.id ?? null, ...placementCells(at), v.code, v.name, v.status, v.ownerDepartment, v.maintainerDepartment, v.point.lng, v.point.lat]);
  });
  const imp = spec.id;
  return {
    refused,
    skipped,
    stages: [
      {
        name: 'stage_component',
        columns: [['id', 'uuid'], ['existing_id', 'uuid'], ...PLACEMENT_COLUMNS, ['code', 'text'], ['name', 'text'], ['status', 'text'],
          ['owner_department', 'text'], ['maintainer_department', 'text'], ['lng', 'float8'], ['lat', 'float8']],
        csv: csvOf(csv),
      },
    ],
    apply: async (exec) => {
      await exec(store.journal('component', imp, sql`select existing_id from stage_component where existing_id is not null`));
      const updated = await exec(sql`update component c set ${PLACE_SET}, name = coalesce(s.name, c.name), status = s.status,
          owner_department = coalesce(s.owner_department, c.owner_department),
          maintainer_department = coalesce(s.maintainer_department, c.maintainer_department),
          point = st_setsrid(st_point(s.lng, s.lat), 4326), import_id = ${imp}
        from stage_component s where c.id = s.existing_id returning c.id`);
      const inserted = await exec(sql`insert into component (id, district_id, street_id, community_id, grid_id, path, code, name, status,
          owner_department, maintainer_department, point, import_id)
        select id, district_id, street_id, community_id, grid_id, path, code, name, status, owner_department, maintainer_department,
          st_setsrid(st_point(lng, lat), 4326), ${imp} from stage_component where existing_id is null returning id`);
      return { written: inserted.length, updated: updated.length };
    },
  };
};

/** Erases a kind's value type: the engine hands each planner only what its own parser made. */
function engine<T>(parse: Parser<T>, plan: Planner<T>): KindEngine<unknown> {
  return { parse, plan } as unknown as KindEngine<unknown>;
}

export const ENGINES: Record<RegistryKind, KindEngine<unknown>> = {
  persons: engine(parsePerson, planPersons),
  households: engine(parseHousehold, planHouseholds),
  buildings: engine(parseBuilding, planBuildings),
  places: engine(parsePlace, planPlaces),
  components: engine(parseComponent, planComponents),
  organisations: engine(parseOrganisation, planOrganisations),
};

export type { BatchPlan, Pending, RunState } from './plan-steps.ts';
