/**
 * A loader thread: generates its share of the households (blocks `index`, `index + workers`, … of BLOCK households)
 * and streams them into household, person and residence through COPY on its own connection, building the next batch
 * while the last one is still being written.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataCipher } from '../../src/domain/crypto.ts';
import { type BuildingInfo, type GridInfo, HOUSEHOLD_COLUMNS, household, PERSON_COLUMNS, RESIDENCE_COLUMNS } from './people-gen.ts';

export interface PeopleWorkerData {
  entry: string;
  url: string;
  dataKey: string;
  seed: number;
  asOfYear: number;
  index: number;
  workers: number;
  block: number;
  persons: number;
  grids: GridInfo[];
  buildings: BuildingInfo[];
  /** Extra person columns (later migrations) and the value each gets. */
  extraColumns: string[];
  extraValues: Array<string | boolean | null>;
}

export interface PeopleWorkerProgress {
  persons: number;
  households: number;
  floating: number;
  done: boolean;
}

const BATCH_HOUSEHOLDS = 4000;

async function copy(client: pg.Client, table: string, columns: readonly string[], csv: string): Promise<void> {
  if (csv === '') return;
  await pipeline(Readable.from([Buffer.from(csv, 'utf8')]), client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin with (format csv)`)));
}

async function main(): Promise<void> {
  const d = workerData as PeopleWorkerData;
  const cipher = new DataCipher(Buffer.from(d.dataKey, 'utf8'));
  const client = new pg.Client({ connectionString: d.url });
  await client.connect();
  // Foreign keys and triggers are not checked during the load (the rows are generated consistent); the tables stay
  // logged (never UNLOGGED), and commits need not wait for the disk: a crash loses at most the last batch, and the
  // loader starts over.
  await client.query(`set session_replication_role = replica; set synchronous_commit = off`);
  const personColumns = [...PERSON_COLUMNS, ...d.extraColumns];
  let persons = 0;
  let households = 0;
  let floating = 0;
  let writing: Promise<void> | null = null;
  let h = '';
  let p = '';
  let r = '';
  let inBatch = 0;
  const flush = async () => {
    if (writing) await writing;
    const [hc, pc, rc] = [h, p, r];
    h = '';
    p = '';
    r = '';
    inBatch = 0;
    writing = (async () => {
      await copy(client, 'household', HOUSEHOLD_COLUMNS, hc);
      await copy(client, 'person', personColumns, pc);
      await copy(client, 'residence', RESIDENCE_COLUMNS, rc);
    })();
    writing.catch(() => {});
    parentPort?.postMessage({ persons, households, floating, done: false } satisfies PeopleWorkerProgress);
  };
  for (let blockNo = d.index; persons < d.persons; blockNo += d.workers) {
    for (let k = 0; k < d.block && persons < d.persons; k++) {
      const hh = blockNo * d.block + k;
      const b = d.buildings[hh % d.buildings.length]!;
      const g = d.grids[b.grid]!;
      const x = household(d.seed, hh, b, g, cipher, d.asOfYear, d.persons - persons, d.extraValues);
      h += x.household;
      p += x.persons;
      r += x.residences;
      persons += x.size;
      households++;
      if (x.floating) floating += x.size;
      inBatch++;
      // Let the socket drain the batch being written while this one is built.
      if (inBatch % 500 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      if (inBatch >= BATCH_HOUSEHOLDS) await flush();
    }
  }
  await flush();
  if (writing) await writing;
  await client.end();
  parentPort?.postMessage({ persons, households, floating, done: true } satisfies PeopleWorkerProgress);
}

await main();
