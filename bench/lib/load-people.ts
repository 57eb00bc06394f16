/**
 * The fast loader for the bench's basic data: buildings placed by PostGIS inside every grid, then households, persons
 * and residences generated in worker threads and streamed through COPY on parallel connections into the tables
 * without their secondary indexes, which are built afterwards. Never through the API, never UNLOGGED.
 */
import { cpus } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import { from as copyFrom } from 'pg-copy-streams';
import { csvLine } from '../../src/demo/copy.ts';
import { rngFor } from '../../src/demo/prng.ts';
import { normalizeAddress } from '../../src/domain/text-normalize.ts';
import type { BenchDb } from './db.ts';
import { dropIndexes, droppedIndexes, restoreIndexes } from './indexes.ts';
import { type BuildingInfo, type GridInfo, HOUSEHOLDS_PER_BUILDING, PERSONS_PER_HOUSEHOLD, seededId } from './people-gen.ts';
import type { PeopleWorkerData, PeopleWorkerProgress } from './people-worker.ts';

export const PEOPLE_TABLES = ['building', 'household', 'person', 'residence'] as const;
const BUILDING_COLUMNS = ['id', 'district_id', 'street_id', 'community_id', 'grid_id', 'path', 'address', 'address_key', 'name', 'code', 'floors', 'use', 'footprint', 'point'] as const;

export interface PeopleSpec {
  persons: number;
  seed: number;
}

export interface PeopleStats {
  persons: number;
  households: number;
  buildings: number;
  floating: number;
  workers: number;
  /** Seconds per phase: buildings, rows (COPY), indexes (build), vacuum (analyze and visibility map). */
  phases: Record<string, number>;
  personsPerSecond: number;
}

export type Step = (phase: string, done: number, total: number, label?: string) => void;

export async function grids(b: BenchDb): Promise<GridInfo[]> {
  const { rows } = await b.admin.query<GridInfo>(`
    select g.id::text as id, g.code, d.id::text as "districtId", d.code as "districtCode", s.id::text as "streetId",
      c.id::text as "communityId", g.path::text as path
    from jurisdiction g
    join jurisdiction d on d.level = 'district' and d.valid_to is null and d.path @> g.path
    left join jurisdiction s on s.level = 'street' and s.valid_to is null and s.path @> g.path
    left join jurisdiction c on c.level = 'community' and c.valid_to is null and c.path @> g.path
    where g.level = 'grid' and g.valid_to is null and g.geom is not null order by g.code`);
  return rows;
}

/** Buildings spread evenly over the grids; PostGIS draws their points inside each grid (one statement per 200 grids). */
export async function loadBuildings(b: BenchDb, gs: GridInfo[], total: number, seed: number, step: Step): Promise<BuildingInfo[]> {
  const out: BuildingInfo[] = [];
  const per = (i: number) => Math.floor(total / gs.length) + (i < total % gs.length ? 1 : 0);
  const CHUNK = 200;
  for (let i = 0; i < gs.length; i += CHUNK) {
    const part = gs.slice(i, i + CHUNK);
    const { rows } = await b.admin.query<{ k: number; n: number; x: number; y: number; name: string }>(
      `select u.k::int as k, d.path[1] as n, st_x(d.geom) as x, st_y(d.geom) as y, j.name_zh_hans as name
       from unnest($1::uuid[], $2::int[], $3::int[]) with ordinality as u(id, n, s, k)
       join jurisdiction j on j.id = u.id
       cross join lateral st_dump(st_generatepoints(j.geom, u.n, u.s)) as d
       order by u.k, d.path[1]`,
      [part.map((g) => g.id), part.map((_, j) => per(i + j)), part.map((_, j) => 1 + ((seed * 7919 + (i + j) * 104_729) % 2_000_000_000))],
    );
    let csv = '';
    for (const r of rows) {
      const gi = i + r.k - 1;
      const g = gs[gi]!;
      const serial = r.n;
      const rng = rngFor(seed, `building:${g.code}:${serial}`);
      const x = Number(r.x);
      const y = Number(r.y);
      const w = (12 + rng() * 8) / 111_320 / Math.cos((y * Math.PI) / 180) / 2;
      const h = (30 + rng() * 30) / 110_540 / 2;
      const floors = [2, 3, 5, 6, 6, 6, 7, 11, 14, 18, 24][Math.floor(rng() * 11)]!;
      const address = `${r.name.replace(/第(\d+)网格$/, '$1区')}${serial}号楼`;
      const id = seededId(rng);
      out.push({ id, grid: gi, address, floors });
      csv += csvLine([id, g.districtId, g.streetId, g.communityId, g.id, g.path, address, normalizeAddress(address), `${serial}号楼`,
        `D${g.code}${String(serial).padStart(4, '0')}`, floors, 'residential',
        `SRID=4326;MULTIPOLYGON(((${x - w} ${y - h},${x + w} ${y - h},${x + w} ${y + h},${x - w} ${y + h},${x - w} ${y - h})))`,
        `SRID=4326;POINT(${x} ${y})`]);
    }
    await copyCsv(b, 'building', BUILDING_COLUMNS, csv);
    step('buildings', out.length, total);
  }
  return out;
}

async function copyCsv(b: BenchDb, table: string, columns: readonly string[], csv: string): Promise<void> {
  const c = await b.admin.connect();
  try {
    await c.query('set session_replication_role = replica');
    await pipeline(Readable.from([Buffer.from(csv, 'utf8')]), c.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin with (format csv)`)));
    await c.query('reset session_replication_role');
  } finally {
    c.release();
  }
}

async function columnsOf(b: BenchDb, table: string): Promise<string[]> {
  const { rows } = await b.admin.query<{ c: string }>(
    `select column_name as c from information_schema.columns where table_schema = 'public' and table_name = $1`,
    [table],
  );
  return rows.map((r) => r.c);
}

/** Empties the basic-data tables and loads `spec.persons` persons with their households, residences and buildings. */
/** Buildings enough for `persons` residents (12 households each), as loadPeople places them. */
export function buildingsFor(persons: number, gridCount: number): number {
  return Math.max(gridCount, Math.ceil(Math.max(1, Math.round(persons / PERSONS_PER_HOUSEHOLD)) / HOUSEHOLDS_PER_BUILDING));
}

export async function loadPeople(b: BenchDb, spec: PeopleSpec, step: Step, opts: { workers?: number; asOfYear?: number } = {}): Promise<PeopleStats> {
  const phases: Record<string, number> = {};
  let t = Date.now();
  const lap = (name: string) => {
    phases[name] = (Date.now() - t) / 1000;
    t = Date.now();
  };
  const started = Date.now();
  await b.admin.query(`truncate ${PEOPLE_TABLES.join(', ')}`);
  // An earlier load that stopped half-way left its indexes dropped: put them back first (instant on empty tables).
  if ((await droppedIndexes(b.admin)).length > 0) await restoreIndexes(b.admin);
  await dropIndexes(b.admin, PEOPLE_TABLES);

  const gs = await grids(b);
  if (gs.length === 0) throw new Error('bench: the city has no grids');
  const buildings = await loadBuildings(b, gs, buildingsFor(spec.persons, gs.length), spec.seed, step);
  lap('buildings');

  // Columns that later migrations add to person, with the value a loader must write (0006's residence_open).
  const personCols = await columnsOf(b, 'person');
  const extraColumns = personCols.includes('residence_open') ? ['residence_open'] : [];
  const extraValues = extraColumns.map(() => true);
  const workers = Math.max(1, opts.workers ?? Math.min(4, cpus().length));
  const share = (i: number) => Math.floor(spec.persons / workers) + (i < spec.persons % workers ? 1 : 0);
  const progress: PeopleWorkerProgress[] = Array.from({ length: workers }, () => ({ persons: 0, households: 0, floating: 0, done: false }));
  const total = () => progress.reduce((s, p) => s + p.persons, 0);
  await Promise.all(
    Array.from({ length: workers }, (_, index) => {
      const data: PeopleWorkerData = {
        entry: new URL('./people-worker.ts', import.meta.url).href,
        url: b.url,
        dataKey: b.config.dataKey.toString('utf8'),
        seed: spec.seed,
        asOfYear: opts.asOfYear ?? 2026,
        index,
        workers,
        block: 1000,
        persons: share(index),
        grids: gs,
        buildings,
        extraColumns,
        extraValues,
      };
      return new Promise<void>((resolve, reject) => {
        const w = new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: data });
        w.on('message', (m: PeopleWorkerProgress) => {
          progress[index] = m;
          const done = total();
          const secs = Math.max(0.001, (Date.now() - t) / 1000);
          step('persons', done, spec.persons, `${Math.round(done / secs)} persons/s`);
        });
        w.on('error', reject);
        w.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bench: loader thread ${index} exited with ${code}`))));
      });
    }),
  );
  lap('rows');
  await restoreIndexes(b.admin, (done, n, name) => step('indexes', done, n, name));
  lap('indexes');
  const c = await b.admin.connect();
  try {
    for (const [i, table] of PEOPLE_TABLES.entries()) {
      step('vacuum', i, PEOPLE_TABLES.length, table);
      await c.query(`vacuum (analyze) ${table}`);
    }
    step('vacuum', PEOPLE_TABLES.length, PEOPLE_TABLES.length, '');
  } finally {
    c.release();
  }
  lap('vacuum');
  const persons = total();
  return {
    persons,
    households: progress.reduce((s, p) => s + p.households, 0),
    buildings: buildings.length,
    floating: progress.reduce((s, p) => s + p.floating, 0),
    workers,
    phases,
    personsPerSecond: Math.round(persons / ((Date.now() - started) / 1000)),
  };
}
