/**
 * `import`: a million persons from a CSV (Chinese headers, as community registers write them) through `gridloop import
 * persons FILE` — the real CLI and import engine (src/cli/registry.ts → RegistryService → import.ts/planners.ts:
 * validation, address matching, households, encryption, blind indexes, batches with undo journal) — against raw COPY of
 * the same persons (already encrypted, in the tables' own columns) into the same tables (person, household,
 * residence) with the same indexes, in the same run. Between runs the tables are emptied, so each starts alike.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdirSync, readFileSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { csvLine } from '../src/demo/copy.ts';
import { rngFor } from '../src/demo/prng.ts';
import { DataCipher, maskIdNumber, maskPhone } from '../src/domain/crypto.ts';
import { idChecksum } from '../src/domain/id-number.ts';
import { nameSearchKey } from '../src/domain/text-normalize.ts';
import { type BenchMain, numberOption, row } from './lib/context.ts';
import { prepare } from './lib/dataset.ts';
import { BENCH_SECRETS, recordStage, sameSpec, serverVersions, stageRecord } from './lib/db.ts';
import { buildingsFor, grids, loadBuildings } from './lib/load-people.ts';
import { personName } from './lib/names.ts';
import { PERSON_COLUMNS, phoneOf, RESIDENCE_COLUMNS, seededId } from './lib/people-gen.ts';
import { BENCH_DIR, REPO_DIR } from './lib/paths.ts';
import type { Measure } from './lib/report.ts';
import { median, round } from './lib/stats.ts';

const TARGET = 0.5;
const HOUSEHOLD_COPY_COLUMNS = ['id', 'district_id', 'street_id', 'community_id', 'grid_id', 'path', 'building_id', 'number', 'address'] as const;
const HEADER = '姓名,身份证号,性别,出生日期,联系电话,住址,户号,与户主关系,人口类型\r\n';
const RELATIONS = ['户主', '配偶', '子', '女', '父亲', '母亲', '孙子', '孙女'];

interface Files {
  csv: string;
  person: string;
  household: string;
  residence: string;
}

interface BuildingRow {
  id: string;
  address: string;
  floors: number;
  district_id: string;
  street_id: string | null;
  community_id: string | null;
  grid_id: string;
  path: string;
  district_code: string;
}

/**
 * Writes the import file and, for the baseline, the same persons as table rows. Unique ID numbers (a counter per
 * region and birth date); addresses name a unit and room of a real building, as registers do.
 */
async function writeFiles(dir: string, n: number, buildings: BuildingRow[], cipher: DataCipher): Promise<Files> {
  const files: Files = {
    csv: join(dir, `import-persons-${n}.csv`),
    person: join(dir, `import-persons-${n}.person.csv`),
    household: join(dir, `import-persons-${n}.household.csv`),
    residence: join(dir, `import-persons-${n}.residence.csv`),
  };
  const out = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, createWriteStream(f)])) as Record<keyof Files, ReturnType<typeof createWriteStream>>;
  const write = async (k: keyof Files, text: string) => {
    if (!out[k].write(text)) await once(out[k], 'drain');
  };
  await write('csv', `\ufeff${HEADER}`);
  const used = new Map<string, number>();
  const rng = rngFor(7, 'bench:import');
  const origins = ['130102', '410105', '370102', '340104', '420106', '510104'];
  let persons = 0;
  for (let hh = 0; persons < n; hh++) {
    const b = buildings[hh % buildings.length]!;
    const size = Math.min(n - persons, 1 + Math.floor(rng() * 4));
    const floating = rng() < 0.3;
    const region = floating ? origins[Math.floor(rng() * origins.length)]! : b.district_code;
    const room = `${1 + Math.floor(rng() * 3)}单元${1 + Math.floor(rng() * b.floors)}0${1 + Math.floor(rng() * 4)}`;
    const address = `${b.address}${room}`;
    const number = `B${String(hh).padStart(9, '0')}`;
    const householdId = seededId(rng);
    await write('household', csvLine([householdId, b.district_id, b.street_id, b.community_id, b.grid_id, b.path, b.id, number, address]));
    for (let m = 0; m < size; m++) {
      const age = m === 0 ? 25 + Math.floor(rng() * 55) : Math.floor(rng() * 80);
      const female = rng() < 0.5;
      let birth = '';
      let id = '';
      for (;;) {
        const y = 2025 - age;
        birth = new Date(Date.UTC(y, 0, 1) + Math.floor(rng() * 365) * 86_400_000).toISOString().slice(0, 10);
        const key = `${region}${birth}${female ? 'f' : 'm'}`;
        const k = used.get(key) ?? 0;
        if (k >= 499) continue;
        used.set(key, k + 1);
        const first17 = `${region}${birth.replace(/-/g, '')}${String(k * 2 + (female ? 0 : 1)).padStart(3, '0')}`;
        id = first17 + idChecksum(first17);
        break;
      }
      const name = personName(rng, female, 2025 - age);
      const phone = age >= 14 ? phoneOf(rng) : null;
      const relation = m === 0 ? '户主' : RELATIONS[1 + Math.floor(rng() * (RELATIONS.length - 1))]!;
      await write('csv', `${[name, id, female ? '女' : '男', birth, phone ?? '', address, number, relation, floating ? '流动人口' : '户籍人口'].join(',')}\r\n`);
      const personId = seededId(rng);
      await write('person', csvLine([personId, b.district_id, b.street_id, b.community_id, b.grid_id, b.path, name, nameSearchKey(name), 'resident_id',
        cipher.encrypt(id), cipher.blindIndex(id), maskIdNumber(id), cipher.encrypt(phone), phone ? cipher.blindIndex(phone) : null, maskPhone(phone),
        female ? 'female' : 'male', birth, '{}']));
      await write('residence', csvLine([seededId(rng), b.district_id, b.path, personId, householdId, b.id, m === 0 ? 'head' : 'other', floating ? 'floating' : 'registered', null]));
      persons++;
    }
  }
  for (const s of Object.values(out)) {
    s.end();
    await once(s, 'finish');
  }
  return files;
}

/** The error report's codes and how often each occurs ("address_unmatched 12, …"). */
function refusals(file: string): string {
  const counts = new Map<string, number>();
  const lines = readFileSync(file, 'utf8').replace(/^\ufeff/, '').split(/\r?\n/).slice(1).filter(Boolean);
  for (const line of lines) {
    const code = line.split(',')[2] ?? '?';
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  return [...counts].map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
}

function runImport(url: string, file: string, errors: string): Promise<{ seconds: number; summary: string }> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [join(REPO_DIR, 'bin', 'gridloop.js'), 'import', 'persons', file, '--mode', 'skip', '--errors', errors], {
      cwd: REPO_DIR,
      env: { ...process.env, ...BENCH_SECRETS, DATABASE_URL: url, GRIDLOOP_DATA_DIR: join(BENCH_DIR, '.data'), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-4000);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`gridloop import exited with ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
      else resolve({ seconds: (Date.now() - t0) / 1000, summary: out.trim().split('\n').at(-1) ?? '' });
    });
  });
}

export const main: BenchMain = async (ctx) => {
  const n = numberOption(ctx, 'rows', ctx.quick ? 10_000 : 1_000_000);
  const reps = numberOption(ctx, 'reps', 1);
  const d = await prepare(ctx, {}, { db: ctx.quick ? 'gridloop_bench_import_quick' : 'gridloop_bench_import' });
  const { b } = d;
  try {
    const cipher = new DataCipher(b.config.dataKey);
    const spec = { persons: n, seed: d.volume.seed };
    const rec = await stageRecord(b, 'import-buildings');
    if (!sameSpec(rec?.spec, spec)) {
      ctx.log(`placing buildings for ${n.toLocaleString('en-US')} persons`);
      await b.admin.query('truncate building, household, person, residence');
      const gs = await grids(b);
      const t0 = Date.now();
      await loadBuildings(b, gs, buildingsFor(n, gs.length), spec.seed, ctx.step);
      ctx.endStep();
      await b.admin.query('analyze building');
      await recordStage(b, 'import-buildings', spec, {}, (Date.now() - t0) / 1000);
    }
    const dir = join(BENCH_DIR, '.data');
    mkdirSync(dir, { recursive: true });
    const { rows: buildings } = await b.admin.query<BuildingRow>(
      `select b.id::text as id, b.address, b.floors, b.district_id::text as district_id, b.street_id::text as street_id,
         b.community_id::text as community_id, b.grid_id::text as grid_id, b.path::text as path, d.code as district_code
       from building b join jurisdiction d on d.id = b.district_id order by b.code`,
    );
    ctx.log(`writing ${n.toLocaleString('en-US')} persons as CSV (and as table rows for COPY)`);
    const files = await writeFiles(dir, n, buildings, cipher);
    const bytes = statSync(files.csv).size;

    const empty = () => b.admin.query('truncate household, person, residence; delete from import_undo; delete from import_error; delete from import_job');
    const importRates: number[] = [];
    const copyRates: number[] = [];
    let summary = '';
    for (let r = 0; r < reps; r++) {
      await empty();
      await b.admin.query('vacuum (analyze) person, household, residence');
      ctx.log(`run ${r + 1}/${reps}: gridloop import persons (${(bytes / 2 ** 20).toFixed(0)} MB)`);
      const errorsFile = join(dir, `import-errors-${n}.csv`);
      const imp = await runImport(b.url, files.csv, errorsFile);
      summary = `${imp.summary}; refusals by code: ${refusals(errorsFile)}`;
      const { rows } = await b.admin.query<{ n: number }>('select count(*)::int as n from person');
      importRates.push((rows[0]?.n ?? 0) / imp.seconds);
      ctx.log(`  ${imp.summary} in ${imp.seconds.toFixed(1)} s`);

      await empty();
      await b.admin.query('vacuum (analyze) person, household, residence');
      const t0 = Date.now();
      const c = await b.admin.connect();
      try {
        for (const [table, columns, file] of [
          ['household', HOUSEHOLD_COPY_COLUMNS, files.household],
          ['person', PERSON_COLUMNS, files.person],
          ['residence', RESIDENCE_COLUMNS, files.residence],
        ] as const) {
          await pipeline(createReadStream(file), c.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin with (format csv)`)));
        }
      } finally {
        c.release();
      }
      const secs = (Date.now() - t0) / 1000;
      copyRates.push(n / secs);
      ctx.log(`  COPY of the same persons, households and residences in ${secs.toFixed(1)} s`);
    }
    await empty();
    const result: Measure = { median: round(median(importRates)), unit: 'rows/s', n: reps };
    const baseline: Measure = { median: round(median(copyRates)), unit: 'rows/s', n: reps };
    const main = row('gridloop import persons vs COPY', result, baseline, { text: `≥ ${TARGET} of COPY`, met: (_m, ratio) => (ratio ?? 0) >= TARGET }, summary);
    return {
      machinePg: await serverVersions(b),
      db: `PostgreSQL (${b.name})`,
      volume: { rows: n, bytes, buildings: buildings.length },
      result,
      baseline,
      ratio: main.ratio,
      target: `import ≥ ${TARGET} × COPY rows/s`,
      met: main.met ?? null,
      rows: [main],
      notes: [
        'The import is timed as the whole CLI process (start, migration check, grid index, import, summary), rows/s = persons written / seconds.',
        'COPY writes the same persons, households and residences, encrypted beforehand, as the superuser (no row-level security), into the same indexed tables.',
        `Last import: ${summary}`,
      ],
    };
  } finally {
    await b.close();
  }
};
