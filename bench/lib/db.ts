/**
 * The benchmark database: `gridloop_bench` on the machine's PostgreSQL (or BENCH_DATABASE_URL), created and migrated
 * when missing, and kept between runs, since loading ten million persons takes many minutes. What it holds is recorded
 * per stage in `bench_volume`; a stage is loaded again only when the requested volume differs (or with --fresh).
 */
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { type Database, openPostgres, rolesFor } from '../../src/db/database.ts';
import { type Config, loadConfig } from '../../src/server/config.ts';
import { BENCH_DIR } from './paths.ts';

/** The server the benchmarks run on; the database name is appended. */
export const SERVER_URL = process.env.BENCH_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/';

/**
 * The bench's own secrets, fixed so that a reused database stays readable (its ID numbers are encrypted with this key).
 * The data are synthetic: nothing real is protected by them.
 */
export const BENCH_SECRETS = {
  GRIDLOOP_DATA_KEY: 'gridloop-bench-data-key-synthetic-data-only-0001',
  GRIDLOOP_SESSION_SECRET: 'gridloop-bench-session-secret-synthetic-only-0001',
};

export function databaseUrl(name: string): string {
  const u = new URL(SERVER_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

export function benchConfig(url: string | null, extra: Record<string, string> = {}): Config {
  return loadConfig({
    ...BENCH_SECRETS,
    ...(url ? { DATABASE_URL: url } : {}),
    GRIDLOOP_DATA_DIR: join(BENCH_DIR, '.data'),
    GRIDLOOP_DEMO: '0',
    GRIDLOOP_LOGIN_RATE_PER_MIN: '1000000',
    GRIDLOOP_REPORT_RATE_PER_MIN: '1000000',
    LOG_LEVEL: 'warn',
    ...extra,
  });
}

async function withServer<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: databaseUrl('postgres') });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Creates the database when missing (drops it and its roles first when `fresh`). True when it was created now. */
export async function ensureDatabase(name: string, fresh: boolean): Promise<boolean> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bench: ${name} is not a plain database name`);
  return withServer(async (c) => {
    if (fresh) {
      await c.query(`drop database if exists ${name} with (force)`);
      const roles = rolesFor(name);
      for (const role of [roles.app, roles.public, roles.owner]) await c.query(`drop role if exists "${role}"`);
    }
    const { rowCount } = await c.query('select 1 from pg_database where datname = $1', [name]);
    if (rowCount) return false;
    await c.query(`create database ${name}`);
    return true;
  });
}

export async function dropDatabase(name: string): Promise<void> {
  await withServer(async (c) => {
    await c.query(`drop database if exists ${name} with (force)`);
    const roles = rolesFor(name);
    for (const role of [roles.app, roles.public, roles.owner]) await c.query(`drop role if exists "${role}"`);
  });
}

export interface BenchDb {
  name: string;
  url: string;
  db: Database;
  /** Superuser connections for loading and for the baselines' raw SQL (no row-level security in between). */
  admin: pg.Pool;
  config: Config;
  close(): Promise<void>;
}

/** Opens a bench database, creating it when missing; migrating is the caller's choice (see schema.ts). */
export async function openBench(name: string, opts: { fresh?: boolean; poolSize?: number } = {}): Promise<BenchDb> {
  await ensureDatabase(name, opts.fresh ?? false);
  const url = databaseUrl(name);
  const db = await openPostgres(url, opts.poolSize ?? 8);
  const admin = new pg.Pool({ connectionString: url, max: 4 });
  admin.on('error', () => {});
  await admin.query(`create table if not exists bench_volume (
      stage text primary key, spec jsonb not null, stats jsonb not null default '{}', seconds double precision,
      loaded_at timestamptz not null default now())`);
  return {
    name,
    url,
    db,
    admin,
    config: benchConfig(url),
    close: async () => {
      await admin.end();
      await db.close();
    },
  };
}

export interface StageRecord {
  spec: Record<string, unknown>;
  stats: Record<string, unknown>;
  seconds: number | null;
  loadedAt: string;
}

export async function stageRecord(b: BenchDb, stage: string): Promise<StageRecord | null> {
  const { rows } = await b.admin.query<{ spec: Record<string, unknown>; stats: Record<string, unknown>; seconds: number | null; loaded_at: Date }>(
    'select spec, stats, seconds, loaded_at from bench_volume where stage = $1',
    [stage],
  );
  const r = rows[0];
  return r ? { spec: r.spec, stats: r.stats, seconds: r.seconds, loadedAt: r.loaded_at.toISOString() } : null;
}

export async function recordStage(b: BenchDb, stage: string, spec: object, stats: object, seconds: number): Promise<void> {
  await b.admin.query(
    `insert into bench_volume (stage, spec, stats, seconds) values ($1, $2, $3, $4)
     on conflict (stage) do update set spec = excluded.spec, stats = excluded.stats, seconds = excluded.seconds, loaded_at = now()`,
    [stage, JSON.stringify(spec), JSON.stringify(stats), seconds],
  );
}

export async function forgetStage(b: BenchDb, stage: string): Promise<void> {
  await b.admin.query('delete from bench_volume where stage = $1', [stage]);
}

/** Same keys and values, whatever their order (jsonb keeps keys sorted its own way). */
export function sameSpec(a: object | undefined | null, b: object): boolean {
  const canon = (o: object) => JSON.stringify(Object.entries(o).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  return a !== undefined && a !== null && canon(a) === canon(b);
}

export async function serverVersions(b: BenchDb): Promise<{ postgres: string | null; postgis: string | null }> {
  const { rows } = await b.admin.query<{ v: string; g: string | null }>(
    `select version() as v, (select extversion from pg_extension where extname = 'postgis') as g`,
  );
  return { postgres: rows[0]?.v ?? null, postgis: rows[0]?.g ?? null };
}

export async function databaseSize(b: BenchDb): Promise<number> {
  const { rows } = await b.admin.query<{ n: string }>('select pg_database_size(current_database())::text as n');
  return Number(rows[0]?.n ?? 0);
}

/** True when a function of that name exists (for steps that wait on another module's migration). */
export async function functionExists(b: BenchDb, pattern: string): Promise<string[]> {
  const { rows } = await b.admin.query<{ f: string }>(
    `select p.proname as f from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'public' and p.proname like $1 order by 1`,
    [pattern],
  );
  return rows.map((r) => r.f);
}

export { sql };
