/**
 * Databases of their own for the reliability tests: a scratch PostgreSQL database on TEST_DATABASE_URL (named like
 * the suite's, so the global teardown drops it too if a test dies first), or an embedded one in a data directory.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { ltree } from '@electric-sql/pglite/contrib/ltree';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { postgis } from '@electric-sql/pglite-postgis';
import pg from 'pg';
import { type Database, openPglite, openPgliteFromDump, openPostgres, rolesFor } from '../../db/database.ts';
import { migrate } from '../../db/migrate.ts';
import { seedDemo } from '../../demo/seed.ts';
import { TEST_GRIDS, TEST_PASSWORD } from '../../testing/fixtures.ts';
import { ensureReferenceData } from '../modules/cases/reference.ts';
import { IdentityService } from '../modules/identity/service.ts';

export const backend: 'pglite' | 'postgres' = process.env.GRIDLOOP_TEST_BACKEND === 'postgres' ? 'postgres' : 'pglite';

const made: string[] = [];

/** A directory of its own under the system's temporary directory, removed by removeTempDirs(). */
export function tempDir(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), `gridloop-${tag}-`));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

function adminUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: the PostgreSQL suite needs a server with PostGIS');
  return url;
}

export interface Scratch {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Creates an empty database `gl_test_<run>_<tag>` on the test server. */
export async function scratchPostgres(tag: string): Promise<Scratch> {
  const name = `gl_test_${process.ppid}_${tag}_${process.env.VITEST_POOL_ID ?? '1'}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl());
  u.pathname = `/${name}`;
  return {
    name,
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl() });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
        const r = rolesFor(name);
        for (const role of [r.app, r.public, r.owner]) await c.query(`drop role if exists "${role}"`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A migrated database with the small test territory, its users and the reference data (categories, calendar). */
export async function seededDatabase(open: () => Promise<Database>): Promise<Database> {
  const db = await open();
  await migrate(db);
  await seedDemo(db, new IdentityService(db), { grids: TEST_GRIDS, password: TEST_PASSWORD });
  await ensureReferenceData(db);
  return db;
}

/**
 * The suite's seeded embedded snapshot (global-setup.ts), in memory: the same as seededDatabase on PGlite, without
 * seeding again.
 */
export async function seededPglite(): Promise<Database> {
  const snap = process.env.GRIDLOOP_TEST_SNAPSHOT;
  if (!snap) throw new Error('GRIDLOOP_TEST_SNAPSHOT is not set: run the tests through vitest.config.ts');
  const db = await openPgliteFromDump(new Blob([readFileSync(snap)]));
  await migrate(db);
  await ensureReferenceData(db);
  return db;
}

/**
 * A data directory whose embedded database is the suite's seeded snapshot (the server migrates it and adds the
 * reference data when it starts). Returns a point inside the first grid, to report at.
 */
export async function seededDataDir(dataDir: string): Promise<{ lat: number; lng: number }> {
  const snap = process.env.GRIDLOOP_TEST_SNAPSHOT;
  if (!snap) throw new Error('GRIDLOOP_TEST_SNAPSHOT is not set: run the tests through vitest.config.ts');
  const pgl = await PGlite.create({ dataDir: join(dataDir, 'pgdata'), loadDataDir: new Blob([readFileSync(snap)]), extensions: { postgis, ltree, pg_trgm } });
  try {
    const { rows } = await pgl.query<{ lat: number; lng: number }>(
      `select st_y(p) as lat, st_x(p) as lng from (select st_pointonsurface(geom) as p from jurisdiction where level = 'grid' order by code limit 1) x`,
    );
    return rows[0]!;
  } finally {
    await pgl.close();
  }
}

export function openScratch(s: Scratch, poolSize = 4): Promise<Database> {
  return openPostgres(s.url, poolSize);
}

export { openPglite };
