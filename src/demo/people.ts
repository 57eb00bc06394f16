/**
 * Demo basic data (issue 4 item 9): buildings with footprints inside every grid, households in them, persons with a
 * plausible age pyramid, about 30% floating population and care tags at realistic rates, and components (部件) with
 * 16-digit codes. Generated here and streamed through COPY in batches (see copy.ts), never through the API, so that
 * `gridloop seed --persons 10000000` is a matter of minutes.
 *
 * Deterministic for a seed: every value comes from seeded streams, ids included. Only the ciphertexts of ID numbers and
 * phones use real randomness (AES-GCM needs a fresh nonce); their blind indexes and masked forms are deterministic.
 *
 * Disk: about 1.7 KB per person with households, residences, buildings and all their indexes (measured on PostgreSQL 15
 * with 50,000 persons), so 10 million persons need about 17 GB, plus a few GB of headroom for WAL and index builds.
 */
import { sql } from 'kysely';
import { systemCaller } from '../db/caller.ts';
import type { Database } from '../db/database.ts';
import { DataCipher, maskIdNumber, maskPhone } from '../domain/crypto.ts';
import { idChecksum } from '../domain/id-number.ts';
import { nameSearchKey, normalizeAddress } from '../domain/text-normalize.ts';
import { type CsvValue, copyTables, csvLine } from './copy.ts';
import { type Rng, rngFor } from './prng.ts';

export interface PeopleOptions {
  seed?: number;
  /** Persons in all; households, buildings and components scale with it. Default 50,000. */
  persons?: number;
  /** Components (部件). Default 5,000 (scaled up past a million persons). */
  components?: number;
  /** GRIDLOOP_DATA_KEY: ID numbers and phones are encrypted with it, as at import. */
  dataKey: Buffer;
  /** Households per COPY transaction. Default 2,000. */
  batchSize?: number;
  /** The date ages are counted from ('YYYY-MM-DD'); default 2026-01-01, so that the data never depends on the day. */
  asOf?: string;
}

export interface PeopleProgress {
  step: 'people';
  done: number;
  total: number;
}

export interface PeopleSummary {
  buildings: number;
  households: number;
  persons: number;
  floating: number;
  components: number;
  ms: number;
}

export class PeopleExistError extends Error {
  constructor() {
    super('the database already holds persons: demo people are only seeded into an empty registry');
    this.name = 'PeopleExistError';
  }
}

/** Share of the population per five-year age band, 0–4 … 85+ (shaped after China's 2020 census). */
export const AGE_PYRAMID = [5.5, 6, 5.5, 5, 5.3, 6.5, 8.5, 7.5, 6.8, 8, 8.5, 7, 5.2, 5, 3.5, 2.3, 1.5, 1] as const;
/** Household sizes 1–6 and their shares: a mean of about 2.78 persons. */
const HOUSEHOLD_SIZES = [0.2, 0.28, 0.24, 0.15, 0.09, 0.04] as const;
const PERSONS_PER_HOUSEHOLD = 2.77;
const HOUSEHOLDS_PER_BUILDING = 12;
/** Share of households that are floating (流動人口): they rent, and all their members are floating. */
const FLOATING_SHARE = 0.3;

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬斌宇浩凯健俊帆帅旭宁龙林欣悦雪琳晨曦子涵梓萱一诺浩然宇轩欣怡思远佳怡';

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)] as T;
}

function weighted(rng: Rng, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let x = rng() * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i] ?? 0;
    if (x < 0) return i;
  }
  return weights.length - 1;
}

/** A UUID (version 7 layout) from a seeded stream: the same seed gives the same ids. */
export function seededId(rng: Rng): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rng() * 16).toString(16));
  hex[12] = '7';
  hex[16] = (8 + Math.floor(rng() * 4)).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

type Ring = Array<[number, number]>;

interface GridShape {
  id: string;
  code: string;
  name: string;
  districtId: string;
  districtCode: string;
  streetId: string | null;
  communityId: string | null;
  path: string;
  polygons: Ring[][];
  bbox: [number, number, number, number];
}

function inRing(ring: Ring, x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] ?? [0, 0];
    const [xj, yj] = ring[j] ?? [0, 0];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inShape(g: GridShape, x: number, y: number): boolean {
  return g.polygons.some(([outer, ...holes]) => outer !== undefined && inRing(outer, x, y) && !holes.some((h) => inRing(h, x, y)));
}

/** A point inside the grid, by rejection from its bounding box (grids are compact: a few tries suffice). */
function pointIn(g: GridShape, rng: Rng, margin = 0): [number, number] {
  const [x0, y0, x1, y1] = g.bbox;
  for (let i = 0; i < 200; i++) {
    const x = x0 + (x1 - x0) * rng();
    const y = y0 + (y1 - y0) * rng();
    if (inShape(g, x, y) && (margin === 0 || (inShape(g, x - margin, y - margin) && inShape(g, x + margin, y + margin)))) return [x, y];
  }
  return [(x0 + x1) / 2, (y0 + y1) / 2];
}

async function loadGrids(db: Database): Promise<GridShape[]> {
  const rows = await db.run(systemCaller('demo-people'), async (trx) =>
    (
      await sql<{ id: string; code: string; name: string; path: string; geom: string; ancestors: Array<{ id: string; level: string; code: string }> }>`
        select g.id::text as id, g.code, g.name_zh_hans as name, g.path::text as path, st_asgeojson(g.geom) as geom,
          (select json_agg(json_build_object('id', a.id, 'level', a.level, 'code', a.code)) from jurisdiction a
            where a.path @> g.path and a.valid_to is null) as ancestors
        from jurisdiction g where g.level = 'grid' and g.valid_to is null and g.geom is not null order by g.code`.execute(trx)
    ).rows,
  );
  return rows.map((r) => {
    const geom = JSON.parse(r.geom) as { type: string; coordinates: Ring[][] | Ring[] };
    const polygons = (geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates) as Ring[][];
    const xs = polygons.flatMap((p) => (p[0] ?? []).map((c) => c[0]));
    const ys = polygons.flatMap((p) => (p[0] ?? []).map((c) => c[1]));
    const by = (level: string) => r.ancestors.find((a) => a.level === level);
    return {
      id: r.id,
      code: r.code,
      name: r.name,
      path: r.path,
      districtId: by('district')?.id ?? '',
      districtCode: by('district')?.code ?? r.code.slice(0, 6),
      streetId: by('street')?.id ?? null,
      communityId: by('community')?.id ?? null,
      polygons,
      bbox: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)],
    };
  });
}

const BUILDING_COLUMNS = ['id', 'district_id', 'street_id', 'community_id', 'grid_id', 'path', 'address', 'address_key', 'name', 'code', 'floors', 'use', 'footprint', 'point'] as const;
// Every demo household gets members and every person an open residence in the same transaction: flagged so at once.
const HOUSEHOLD_COLUMNS = ['id', 'district_id', 'street_id', 'community_id', 'grid_id', 'path', 'building_id', 'unit', 'number', 'address', 'household_type', 'has_members'] as const;
const PERSON_COLUMNS = ['id', 'district_id', 'street_id', 'community_id', 'grid_id', 'path', 'name', 'name_key', 'id_type', 'id_number_enc', 'id_number_index', 'id_number_masked', 'phone_enc', 'phone_index', 'phone_masked', 'gender', 'birth_date', 'care_tags', 'residence_open'] as const;
const RESIDENCE_COLUMNS = ['id', 'district_id', 'path', 'person_id', 'household_id', 'building_id', 'relation', 'residence_type', 'moved_in'] as const;
const COMPONENT_COLUMNS = ['id', 'district_id', 'street_id', 'community_id', 'grid_id', 'path', 'code', 'name', 'status', 'owner_department', 'maintainer_department', 'point'] as const;

/** Major/minor classes of GB/T 30428.2 that a demo city shows, with their owners. */
const COMPONENT_CLASSES: ReadonlyArray<{ major: string; minor: string; name: string; owner: string }> = [
  { major: '01', minor: '01', name: '上水井盖', owner: '自来水公司' },
  { major: '01', minor: '02', name: '污水井盖', owner: '排水集团' },
  { major: '01', minor: '07', name: '通信井盖', owner: '通信公司' },
  { major: '02', minor: '03', name: '路灯', owner: '城管委' },
  { major: '02', minor: '10', name: '交通信号灯', owner: '交通支队' },
  { major: '03', minor: '05', name: '垃圾桶', owner: '环卫中心' },
  { major: '03', minor: '08', name: '公共厕所', owner: '环卫中心' },
  { major: '04', minor: '02', name: '消防栓', owner: '消防救援站' },
  { major: '05', minor: '01', name: '行道树', owner: '园林绿化局' },
];

function ageAt(rng: Rng, min = 0, max = 99): number {
  for (;;) {
    const band = weighted(rng, AGE_PYRAMID);
    const age = band * 5 + Math.floor(rng() * (band === AGE_PYRAMID.length - 1 ? 15 : 5));
    if (age >= min && age <= max) return age;
  }
}

function birthDateOf(rng: Rng, age: number, asOf: string): string {
  const year = Number(asOf.slice(0, 4)) - age - 1;
  const d = new Date(Date.UTC(year, 0, 1) + Math.floor(rng() * 365) * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** Regions people come from: the floating population is registered elsewhere (Hebei, Henan, Shandong, Anhui…). */
const ORIGINS = ['130102', '410105', '370102', '340104', '420106', '510104', '230103', '210102'] as const;

function idNumberOf(region: string, birth: string, female: boolean, rng: Rng): string {
  let seq = Math.floor(rng() * 500) * 2 + (female ? 0 : 1);
  if (seq > 999) seq -= 2;
  const first17 = `${region}${birth.replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
  return first17 + idChecksum(first17);
}

function phoneOf(rng: Rng): string {
  return `1${pick(rng, ['3', '5', '7', '8', '9'])}${Math.floor(rng() * 10)}${String(Math.floor(rng() * 1e8)).padStart(8, '0')}`;
}

/**
 * Seeds buildings, households, persons with residences, and components. Refuses a registry that already has persons
 * (the demo is not merged into real data).
 */
export async function seedPeople(db: Database, opts: PeopleOptions, onProgress: (p: PeopleProgress) => void = () => {}): Promise<PeopleSummary> {
  const t0 = Date.now();
  const seed = opts.seed ?? 1;
  const target = opts.persons ?? 50_000;
  const asOf = opts.asOf ?? '2026-01-01';
  const batchSize = opts.batchSize ?? 2000;
  const cipher = new DataCipher(opts.dataKey);
  const exists = await db.run(systemCaller('demo-people'), async (trx) => (await sql<{ e: boolean }>`select exists (select 1 from person) as e`.execute(trx)).rows[0]?.e);
  if (exists) throw new PeopleExistError();
  const grids = await loadGrids(db);
  if (grids.length === 0) return { buildings: 0, households: 0, persons: 0, floating: 0, components: 0, ms: 0 };

  const householdsTotal = Math.max(1, Math.round(target / PERSONS_PER_HOUSEHOLD));
  const buildingsTotal = Math.max(grids.length, Math.ceil(householdsTotal / HOUSEHOLDS_PER_BUILDING));
  const componentsTotal = opts.components ?? Math.max(5000, Math.round(target / 10));

  // Buildings: spread over the grids in turn, each with a footprint of 12–20 m by 30–60 m around its point.
  interface Building {
    id: string;
    grid: GridShape;
    address: string;
    floors: number;
    units: number;
  }
  const buildings: Building[] = [];
  let csv = '';
  const flushBuildings = async () => {
    if (csv.length > 0) await copyTables(db, 'demo-people', [{ table: 'building', columns: BUILDING_COLUMNS, csv }]);
    csv = '';
  };
  for (let i = 0; i < buildingsTotal; i++) {
    const grid = grids[i % grids.length] as GridShape;
    const serial = Math.floor(i / grids.length) + 1;
    const rng = rngFor(seed, `building:${grid.code}:${serial}`);
    const [x, y] = pointIn(grid, rng);
    const w = (12 + rng() * 8) / 111_320 / Math.cos((y * Math.PI) / 180) / 2;
    const h = (30 + rng() * 30) / 110_540 / 2;
    const footprint = `SRID=4326;MULTIPOLYGON(((${x - w} ${y - h},${x + w} ${y - h},${x + w} ${y + h},${x - w} ${y + h},${x - w} ${y - h})))`;
    const floors = pick(rng, [2, 3, 5, 6, 6, 6, 7, 11, 14, 18, 24]);
    const address = `${grid.name.replace(/第(\d+)网格$/, '$1区')}${serial}号楼`;
    const b: Building = { id: seededId(rng), grid, address, floors, units: floors > 7 ? 2 : 3 };
    buildings.push(b);
    csv += csvLine([b.id, grid.districtId, grid.streetId, grid.communityId, grid.id, grid.path, address, normalizeAddress(address), `${serial}号楼`,
      `D${grid.code}${String(serial).padStart(3, '0')}`, floors, 'residential', footprint, `SRID=4326;POINT(${x} ${y})`] as CsvValue[]);
    if (i % 5000 === 4999) await flushBuildings();
  }
  await flushBuildings();

  let persons = 0;
  let floating = 0;
  let households = 0;
  let hcsv = '';
  let pcsv = '';
  let rcsv = '';
  const flush = async () => {
    await copyTables(db, 'demo-people', [
      { table: 'household', columns: HOUSEHOLD_COLUMNS, csv: hcsv },
      { table: 'person', columns: PERSON_COLUMNS, csv: pcsv },
      { table: 'residence', columns: RESIDENCE_COLUMNS, csv: rcsv },
    ]);
    hcsv = '';
    pcsv = '';
    rcsv = '';
    onProgress({ step: 'people', done: persons, total: target });
  };
  for (let hh = 0; persons < target; hh++) {
    const rng = rngFor(seed, `household:${hh}`);
    const b = buildings[hh % buildings.length] as Building;
    const g = b.grid;
    const floatingHousehold = rng() < FLOATING_SHARE;
    const size = Math.min(target - persons, weighted(rng, HOUSEHOLD_SIZES) + 1);
    const householdId = seededId(rng);
    const unit = 1 + Math.floor(rng() * b.units);
    const room = `${1 + Math.floor(rng() * b.floors)}0${1 + Math.floor(rng() * 4)}`;
    const number = `H${g.code}${String(hh).padStart(7, '0')}`;
    hcsv += csvLine([householdId, g.districtId, g.streetId, g.communityId, g.id, g.path, b.id, `${unit}单元${room}`, number, `${b.address}${unit}单元${room}`, 'family', true]);
    households++;
    const region = floatingHousehold ? pick(rng, ORIGINS) : g.districtCode;
    const surname = pick(rng, [...SURNAMES]);
    const headAge = size === 1 ? ageAt(rng, 20) : ageAt(rng, 25, 80);
    const movedIn = `${2000 + Math.floor(rng() * 25)}-0${1 + Math.floor(rng() * 9)}-15`;
    for (let m = 0; m < size; m++) {
      let age: number;
      let relation: string;
      if (m === 0) {
        age = headAge;
        relation = 'head';
      } else if (m === 1 && size > 1 && rng() < 0.75) {
        age = Math.max(18, Math.min(99, headAge + Math.floor(rng() * 9) - 4));
        relation = 'spouse';
      } else if (headAge >= 60 && rng() < 0.3) {
        age = Math.max(0, headAge - 25 - Math.floor(rng() * 10));
        relation = 'child';
      } else if (headAge >= 40 && rng() < 0.3) {
        age = Math.max(0, headAge - 25 - Math.floor(rng() * 10) - 25);
        relation = age < 18 ? 'grandchild' : 'child';
      } else {
        age = Math.max(0, headAge - 22 - Math.floor(rng() * 15));
        relation = 'child';
      }
      const female = m === 1 ? rng() < 0.9 : rng() < 0.49;
      const birth = birthDateOf(rng, age, asOf);
      const id = idNumberOf(region, birth, female, rng);
      const name = surname + pick(rng, [...GIVEN]) + (rng() < 0.6 ? pick(rng, [...GIVEN]) : '');
      const phone = age >= 14 && rng() < 0.93 ? phoneOf(rng) : null;
      // Care tags at rates close to those community workers report.
      const tags: string[] = [];
      if (size === 1 && age >= 65 && rng() < 0.6) tags.push('elderly_alone');
      if (rng() < 0.06) tags.push('disabled');
      if (rng() < (floatingHousehold ? 0.01 : 0.025)) tags.push('low_income');
      if (female && age >= 22 && age <= 40 && rng() < 0.04) tags.push('pregnant');
      if (age >= 55 && rng() < 0.25) tags.push('chronic_illness');
      const personId = seededId(rng);
      pcsv += csvLine([personId, g.districtId, g.streetId, g.communityId, g.id, g.path, name, nameSearchKey(name), 'resident_id',
        cipher.encrypt(id), cipher.blindIndex(id), maskIdNumber(id), cipher.encrypt(phone), phone ? cipher.blindIndex(phone) : null,
        maskPhone(phone), female ? 'female' : 'male', birth, `{${tags.join(',')}}`, true]);
      rcsv += csvLine([seededId(rng), g.districtId, g.path, personId, householdId, b.id, relation, floatingHousehold ? 'floating' : 'registered',
        age < 2 ? birth : movedIn]);
      persons++;
      if (floatingHousehold) floating++;
    }
    if (households % batchSize === 0) await flush();
  }
  await flush();

  let ccsv = '';
  const serials = new Map<string, number>();
  for (let i = 0; i < componentsTotal; i++) {
    const grid = grids[i % grids.length] as GridShape;
    const rng = rngFor(seed, `component:${i}`);
    const cls = pick(rng, COMPONENT_CLASSES);
    const prefix = `${grid.districtCode}${cls.major}${cls.minor}`;
    const serial = (serials.get(prefix) ?? 0) + 1;
    serials.set(prefix, serial);
    const [x, y] = pointIn(grid, rng);
    const status = weighted(rng, [92, 4, 1.5, 2, 0.5]);
    ccsv += csvLine([seededId(rng), grid.districtId, grid.streetId, grid.communityId, grid.id, grid.path, `${prefix}${String(serial).padStart(6, '0')}`,
      cls.name, ['intact', 'damaged', 'missing', 'occupied', 'abandoned'][status], cls.owner, cls.owner, `SRID=4326;POINT(${x} ${y})`]);
    if (i % 5000 === 4999 || i === componentsTotal - 1) {
      await copyTables(db, 'demo-people', [{ table: 'component', columns: COMPONENT_COLUMNS, csv: ccsv }]);
      ccsv = '';
    }
  }
  return { buildings: buildings.length, households, persons, floating, components: componentsTotal, ms: Date.now() - t0 };
}
