import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Database, openPgliteFromDump, openPostgres } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { seedDemo } from '../demo/seed.ts';
import { type App, type AppContext, buildApp, createContext } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { IdentityService } from '../server/modules/identity/service.ts';
import { TEST_GRIDS, TEST_PASSWORD, TEST_SECRETS } from './fixtures.ts';

export interface TestEnv {
  db: Database;
  ctx: AppContext;
  app: App;
  backend: 'pglite' | 'postgres';
  clock: TestClock;
}

/** A clock the tests move: deadlines and escalations are tested without sleeping. */
export class TestClock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
  reset(): void {
    this.offsetMs = 0;
  }
}

export interface Session {
  cookie: string;
  csrf: string;
  headers: Record<string, string>;
}

async function postgresDatabase(suffix: string): Promise<Database> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: the PostgreSQL suite needs a server with PostGIS');
  // Named after this test run (the workers' parent process), so two runs on one server never share a database.
  const name = `gl_test_${process.ppid}_${process.env.VITEST_POOL_ID ?? '1'}${suffix ? `_${suffix}` : ''}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  const db = await openPostgres(u.toString(), 6);
  await migrate(db);
  await seedDemo(db, new IdentityService(db), { grids: TEST_GRIDS, password: TEST_PASSWORD });
  return db;
}

/**
 * A new environment with a database of its own. `testEnv()` shares one per worker; a suite that writes arbitrary data
 * (the fuzzer) builds a private one with a `suffix` (`[a-z0-9_]`, it names the PostgreSQL database) and closes it.
 */
export async function buildTestEnv(opts: { suffix?: string } = {}): Promise<TestEnv> {
  const backend = process.env.GRIDLOOP_TEST_BACKEND === 'postgres' ? 'postgres' : 'pglite';
  let db: Database;
  if (backend === 'postgres') {
    db = await postgresDatabase(opts.suffix ?? '');
  } else {
    const snap = process.env.GRIDLOOP_TEST_SNAPSHOT;
    if (!snap) throw new Error('GRIDLOOP_TEST_SNAPSHOT is not set: run the tests through vitest.config.ts');
    db = await openPgliteFromDump(new Blob([readFileSync(snap)]));
  }
  const config = loadConfig({
    ...TEST_SECRETS,
    GRIDLOOP_DATA_DIR: mkdtempSync(join(tmpdir(), 'gridloop-test-')),
    GRIDLOOP_DEMO: '0',
    GRIDLOOP_LOGIN_RATE_PER_MIN: '100000',
    GRIDLOOP_REPORT_RATE_PER_MIN: '100000',
    ...(backend === 'postgres' ? { DATABASE_URL: process.env.TEST_DATABASE_URL } : {}),
  });
  const clock = new TestClock();
  const ctx = createContext(config, db, 0, { now: () => clock.now() });
  await ctx.cases.init();
  await ctx.territory.rebuildIndex();
  const app = await buildApp(ctx);
  await app.ready();
  return { db, ctx, app, backend, clock };
}

const KEY = Symbol.for('gridloop.testEnv');
type Holder = { [KEY]?: Promise<TestEnv> };

/** The worker's shared test environment: one database, one app (built once per worker). */
export function testEnv(): Promise<TestEnv> {
  const g = globalThis as Holder;
  g[KEY] ??= buildTestEnv();
  return g[KEY];
}

export async function login(app: App, username: string, password = TEST_PASSWORD): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
  const setCookie = res.cookies.find((c) => c.name === 'gl_session');
  if (!setCookie) throw new Error('no session cookie');
  const cookie = `gl_session=${setCookie.value}`;
  const csrf = (res.json() as { csrfToken: string }).csrfToken;
  return { cookie, csrf, headers: { cookie, 'x-csrf-token': csrf } };
}

let counter = 0;
/** A code suffix unique within this worker, so tests never collide on the shared database. */
export function unique(): number {
  counter += 1;
  return Number(`${process.env.VITEST_POOL_ID ?? '1'}${String(counter).padStart(3, '0')}`);
}
