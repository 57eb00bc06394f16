/**
 * `intake`: the whole public report path over HTTP — validation, locate, routing, deadline, insert, timeline, audit,
 * notification — on a real server process (`gridloop start` on PostgreSQL), driven by autocannon: the peak of
 * sustained reports per second, then p50/p99 latency at 70% of that peak, and the server's memory (RSS) meanwhile.
 * Baseline in the same run: the same number of connections inserting, with no application in between, the rows one
 * report leaves (its case, timeline, clocks and audit rows, copied from a report the server just took) in one
 * transaction each. Then the same on the embedded PGlite, a demo city in a data directory of its own, against one
 * session inserting the same rows (`--pglite false` skips it).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type pg from 'pg';
import { openPglite } from '../src/db/database.ts';
import { type BenchMain, numberOption, row } from './lib/context.ts';
import { prepare } from './lib/dataset.ts';
import { type BenchDb, BENCH_SECRETS, serverVersions } from './lib/db.ts';
import { BENCH_DIR, REPO_DIR } from './lib/paths.ts';
import type { Measure, Row } from './lib/report.ts';
import { latency, median, now, round } from './lib/stats.ts';

const RATIO_TARGET = 0.5;
const P99_TARGET_MS = 50;
/** Stands in each body for the device id that `fire` gives every request. */
const DEVICE = '@device@';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Where the server keeps its data: PostgreSQL at a URL, or the embedded database in a data directory. */
type Backend = { url: string } | { dataDir: string };

/** The environment of a gridloop process on a backend: no demo, rate limits out of the way, warnings only. */
function serverEnv(backend: Backend, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...BENCH_SECRETS, GRIDLOOP_DEMO: '0', LOG_LEVEL: 'warn', ...extra };
  if ('url' in backend) {
    env.DATABASE_URL = backend.url;
    env.GRIDLOOP_DATA_DIR = join(BENCH_DIR, '.data', 'intake');
  } else {
    delete env.DATABASE_URL;
    env.GRIDLOOP_DATA_DIR = backend.dataDir;
  }
  return env;
}

async function startServer(backend: Backend, port: number): Promise<ChildProcess> {
  // GRIDLOOP_BENCH_PROFILE=DIR writes the server's CPU profile there when it stops.
  const profile = process.env.GRIDLOOP_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.GRIDLOOP_BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, join(REPO_DIR, 'bin', 'gridloop.js'), 'start'], {
    cwd: REPO_DIR,
    env: serverEnv(backend, {
      PORT: String(port),
      HOST: '127.0.0.1',
      GRIDLOOP_REPORT_RATE_PER_MIN: '1000000',
      GRIDLOOP_LOGIN_RATE_PER_MIN: '1000000',
    }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-2000);
  });
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}: ${err}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (r.status === 200) return child;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not become healthy in 2 minutes: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  server.kill('SIGTERM');
  // A graceful stop (and the CPU profile, when asked for) takes a few seconds.
  await Promise.race([new Promise((r) => server.once('exit', r)), new Promise((r) => setTimeout(r, 15_000))]);
  if (server.exitCode === null) server.kill('SIGKILL');
}

/** Runs a gridloop command to its end (the embedded database's demo seed). */
function gridloop(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_DIR, 'bin', 'gridloop.js'), ...args], { cwd: REPO_DIR, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-2000);
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`gridloop ${args.join(' ')} exited with ${code}: ${err}`))));
  });
}

/** What both backends answer: pg.Pool and PGlite take the same text and parameters. */
interface Queryable {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

/** Bodies: points inside the grids, categories that need no extra answers, a phone; as a resident's app sends. */
async function reportBodies(q: Queryable): Promise<string[]> {
  const { rows: pts } = await q.query<{ x: number; y: number }>(
    `select st_x(p.geom) as x, st_y(p.geom) as y from jurisdiction j cross join lateral st_dump(st_generatepoints(j.geom, 3, 42)) p
     where j.level = 'grid' and j.valid_to is null`,
  );
  const { rows: cats } = await q.query<{ code: string; definition: { attributes?: Array<{ required?: boolean }> } | null }>(
    `select code, definition from category where active and code ~ '^[CE][0-9]{4}$'`,
  );
  const codes = cats.filter((c) => !(c.definition?.attributes ?? []).some((a) => a.required)).map((c) => c.code);
  return pts.map((p, i) =>
    JSON.stringify({
      categoryCode: codes[i % codes.length],
      lat: Number(p.y),
      lng: Number(p.x),
      coordSys: 'wgs84',
      description: `路边有问题需要处理 ${i}`,
      reporterPhone: `139${String(10_000_000 + i).slice(-8)}`,
      deviceId: DEVICE,
    }),
  );
}

/** The peak (unlimited, `reps` times), then 70% of the peak (`reps` times), with the server's RSS sampled. */
async function drive(ctx: Parameters<BenchMain>[0], port: number, server: ChildProcess, bodies: string[], seconds: number, reps: number, connections: number) {
  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(rssMb(server.pid!)), 500);
  const peaks: Fire[] = [];
  const steady: Fire[] = [];
  try {
    ctx.log('warming up');
    await fire(port, bodies, Math.min(5, seconds), connections);
    for (let r = 0; r < reps; r++) {
      ctx.log(`run ${r + 1}/${reps}: peak for ${seconds} s with ${connections} connections`);
      peaks.push(await fire(port, bodies, seconds, connections));
    }
    const peak = median(peaks.map((p) => p.rate));
    for (let r = 0; r < reps; r++) {
      ctx.log(`run ${r + 1}/${reps}: ${Math.round(0.7 * peak)} reports/s (70% of peak) for ${seconds} s`);
      steady.push(await fire(port, bodies, seconds, connections, Math.max(1, Math.round(0.7 * peak))));
    }
  } finally {
    clearInterval(sampler);
  }
  return { peaks, steady, rss };
}

interface Fire {
  rate: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  rss: number;
}

/** Requests sent so far, across runs: each request's device is new. */
let sentCount = 0;

async function fire(port: number, bodies: string[], seconds: number, connections: number, overallRate?: number): Promise<Fire> {
  const r = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    ...(overallRate ? { overallRate } : {}),
    requests: [
      {
        method: 'POST',
        path: '/api/reports',
        headers: { 'content-type': 'application/json' },
        // Every report from a device of its own, as a flood of residents sends them: the same device reporting the same
        // thing at the same place within minutes would join its earlier case instead (the debounce), a different path.
        setupRequest: (req) => {
          const n = sentCount++;
          const body = bodies[n % bodies.length]!.replace(DEVICE, `bench-${process.pid}-${n}`);
          return { ...req, body, headers: { ...req.headers, 'idempotency-key': randomUUID() } };
        },
      },
    ],
  });
  return { rate: r['2xx'] / r.duration, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors, rss: 0 };
}

/** INSERT … SELECT statements that copy one case's rows (case, timeline, clocks, audit) under a new case id ($1). */
async function copyStatements(q: Queryable): Promise<string[]> {
  const cols = async (t: string) =>
    (
      await q.query<{ c: string }>(
        `select column_name as c from information_schema.columns where table_schema = 'public' and table_name = $1
         and is_generated = 'NEVER' and identity_generation is null order by ordinal_position`,
        [t],
      )
    ).rows.map((r) => r.c);
  const make = (t: string, list: string[], over: Record<string, string>, where: string) =>
    // Every statement names $1–$3, so that one parameter list serves them all.
    `insert into ${t} (${list.join(', ')}) select ${list.map((c) => over[c] ?? `x.${c}`).join(', ')} from ${t} x where ${where} and $2::text is not null`;
  return [
    make('cases', await cols('cases'), { id: '$1::uuid', number: '$2', tracking_hash: "md5($1::text) || md5($2)", client_key: 'null', reported_at: 'now()', updated_at: 'now()' }, 'x.id = $3::uuid'),
    make('case_event', await cols('case_event'), { id: 'gen_random_uuid()', case_id: '$1::uuid', at: 'now()' }, 'x.case_id = $3::uuid'),
    make('case_clock', await cols('case_clock'), { id: 'gen_random_uuid()', case_id: '$1::uuid' }, 'x.case_id = $3::uuid'),
    make('audit_log', await cols('audit_log'), { object_id: '$1::text', at: 'clock_timestamp()', chain_seq: 'null', prev_hash: 'null', hash: 'null' }, "x.object_id = $3::text"),
  ];
}

/** The id of the latest report the server took: the rows the baseline copies. */
async function latestReport(q: Queryable): Promise<string> {
  const { rows } = await q.query<{ id: string }>(`select id::text as id from cases where channel = 'resident' order by reported_at desc limit 1`);
  if (!rows[0]) throw new Error('bench: the server took no report');
  return rows[0].id;
}

/** `clients` sessions, each copying one report's rows per transaction for `seconds`. */
async function insertLoop(clients: Queryable[], stmts: string[], template: string, seconds: number): Promise<{ rate: number; times: number[] }> {
  const times: number[] = [];
  let done = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    clients.map(async (c, w) => {
      let n = 0;
      while (Date.now() < end) {
        const t0 = now();
        const id = randomUUID();
        await c.query('begin');
        for (const s of stmts) await c.query(s, [id, `BENCH-${w}-${n++}-${id.slice(0, 8)}`, template]);
        await c.query('commit');
        times.push(now() - t0);
        done++;
      }
    }),
  );
  return { rate: done / seconds, times };
}

async function baseline(b: BenchDb, template: string, seconds: number, connections: number): Promise<{ rate: number; times: number[] }> {
  const stmts = await copyStatements(b.admin);
  const clients: pg.PoolClient[] = [];
  const pool = new (await import('pg')).default.Pool({ connectionString: b.url, max: connections });
  try {
    for (let i = 0; i < connections; i++) clients.push(await pool.connect());
    return await insertLoop(clients as unknown as Queryable[], stmts, template, seconds);
  } finally {
    for (const c of clients) c.release();
    await pool.end();
  }
}

type Ctx = Parameters<BenchMain>[0];

interface Side {
  peakM: Measure;
  baseM: Measure;
  steadyM: Measure;
  rows: Row[];
}

function summarise(label: string, run: Awaited<ReturnType<typeof drive>>, bases: number[], baseTimes: number[], reps: number, baseWhat: string): Side {
  const { peaks, steady, rss } = run;
  const peakM: Measure = { median: round(median(peaks.map((p) => p.rate))), p99: round(median(peaks.map((p) => p.p99))), unit: 'reports/s', n: reps };
  const baseM: Measure = { median: round(median(bases)), p99: round(latency(baseTimes).p99), unit: 'reports/s', n: reps };
  const steadyM: Measure = { median: round(median(steady.map((s) => s.p50))), p99: round(median(steady.map((s) => s.p99))), unit: 'ms', n: reps };
  const rows: Row[] = [
    row(`${label}: intake peak (HTTP, whole path) vs ${baseWhat}`, peakM, baseM, { text: `≥ ${RATIO_TARGET} × raw`, met: (_m, ratio) => (ratio ?? 0) >= RATIO_TARGET },
      `p50 at peak ${round(median(peaks.map((p) => p.p50)))} ms; non-2xx ${peaks.reduce((t, p) => t + p.non2xx, 0)}, errors ${peaks.reduce((t, p) => t + p.errors, 0)}`),
    row(`${label}: latency at 70% of peak`, steadyM, null, { text: `p99 < ${P99_TARGET_MS} ms`, met: (m) => (m.p99 ?? Infinity) < P99_TARGET_MS },
      `achieved ${round(median(steady.map((x) => x.rate)))} reports/s; non-2xx ${steady.reduce((t, p) => t + p.non2xx, 0)}`),
    row(`${label}: server RSS under load (max)`, { median: round(Math.max(0, ...rss)), unit: 'MB' }, null, undefined, `median ${round(median(rss))} MB over ${rss.length} samples`),
  ];
  return { peakM, baseM, steadyM, rows };
}

/** The same path on the embedded database: a demo city seeded into a data directory of its own, `gridloop start` on it. */
async function embedded(ctx: Ctx, seconds: number, reps: number, connections: number): Promise<Side> {
  const dataDir = join(BENCH_DIR, '.data', 'intake-pglite');
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const backend: Backend = { dataDir };
  const cases = ctx.quick ? 1000 : 20_000;
  ctx.log(`PGlite: seeding the demo city with ${cases.toLocaleString('en-US')} cases into ${dataDir}`);
  await gridloop(['seed', '--demo', '--grids', '300', '--cases', String(cases), '--persons', '1000'], serverEnv(backend));
  let bodies: string[];
  {
    const db = await openPglite(dataDir);
    try {
      bodies = await reportBodies(db.pglite!);
    } finally {
      await db.close();
    }
  }
  const port = await freePort();
  ctx.log(`PGlite: starting gridloop on port ${port}`);
  const server = await startServer(backend, port);
  let run: Awaited<ReturnType<typeof drive>>;
  try {
    run = await drive(ctx, port, server, bodies, seconds, reps, connections);
  } finally {
    await stopServer(server);
  }
  // The embedded database has one session: the baseline is one writer, as the server's pool is.
  ctx.log('PGlite baseline: one session copying one report\'s rows per transaction');
  const db = await openPglite(dataDir);
  const bases: number[] = [];
  const baseTimes: number[] = [];
  try {
    const q = db.pglite!;
    const stmts = await copyStatements(q);
    const template = await latestReport(q);
    for (let r = 0; r < reps; r++) {
      const x = await insertLoop([q], stmts, template, seconds);
      bases.push(x.rate);
      baseTimes.push(...x.times);
    }
  } finally {
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return summarise('PGlite', run, bases, baseTimes, reps, 'raw inserts in one session');
}

export const main: BenchMain = async (ctx) => {
  const seconds = numberOption(ctx, 'seconds', ctx.quick ? 5 : 30);
  const reps = numberOption(ctx, 'reps', ctx.quick ? 1 : 3);
  const connections = numberOption(ctx, 'connections', 10);
  const d = await prepare(ctx, { cases: true }, { db: ctx.quick ? 'gridloop_bench_intake_quick' : 'gridloop_bench_intake', cases: ctx.quick ? 5000 : 200_000 });
  const { b } = d;
  try {
    const bodies = await reportBodies(b.admin);
    const port = await freePort();
    ctx.log(`starting gridloop on port ${port} against ${b.name} (${(d.cases?.cases ?? 0).toLocaleString('en-US')} cases)`);
    const server = await startServer({ url: b.url }, port);
    let run: Awaited<ReturnType<typeof drive>>;
    try {
      run = await drive(ctx, port, server, bodies, seconds, reps, connections);
    } finally {
      await stopServer(server);
    }
    const template = await latestReport(b.admin);
    ctx.log(`baseline: ${connections} connections copying one report's rows per transaction`);
    const bases: number[] = [];
    const baseTimes: number[] = [];
    for (let r = 0; r < reps; r++) {
      const x = await baseline(b, template, seconds, connections);
      bases.push(x.rate);
      baseTimes.push(...x.times);
    }
    const pgSide = summarise('PostgreSQL', run, bases, baseTimes, reps, 'raw inserts');
    const lite = ctx.options.pglite === 'false' ? null : await embedded(ctx, seconds, reps, connections);
    return {
      machinePg: await serverVersions(b),
      db: `PostgreSQL (${b.name})${lite ? ' and PGlite (a data directory of its own)' : ''}, server: gridloop start`,
      volume: { cases: d.cases?.cases ?? 0, grids: d.volume.grids, connections, seconds, reps },
      result: pgSide.peakM,
      baseline: pgSide.baseM,
      ratio: pgSide.rows[0]!.ratio,
      target: `intake ≥ ${RATIO_TARGET} × raw inserts; p99 < ${P99_TARGET_MS} ms at 70% of peak`,
      met: pgSide.rows[0]!.met === true && pgSide.rows[1]!.met === true,
      rows: [...pgSide.rows, ...(lite?.rows ?? [])],
      notes: [
        'autocannon drives the server from this process; server, driver and database share the machine\'s cores.',
        'The baseline copies, per transaction, the rows one report left (case, case_event, case_clock, audit_log) as the superuser: no HTTP, validation, locate, routing, idempotency or notification.',
        'Every request comes from a device of its own (otherwise the same device reporting the same thing nearby within minutes joins its earlier case).',
        ...(lite ? ['PGlite: a demo city of 300 grids seeded by `gridloop seed --demo`; its baseline runs in one session after the server stopped (the embedded database has one).'] : []),
      ],
    };
  } finally {
    await b.close();
  }
};
