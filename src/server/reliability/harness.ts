/**
 * The pieces of the crash and outage tests: a Gridloop server as a child process (`node bin/gridloop.js start`),
 * residents sending reports with Idempotency-Key and retrying until acknowledged, and the checks that every
 * acknowledged report exists exactly once and nothing half-written remains.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { TEST_SECRETS } from '../../testing/fixtures.ts';
import { multipart, TINY_JPEG } from '../../testing/uploads.ts';
import type { Database } from '../../db/database.ts';
import { listStoredKeys } from '../backup/files.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export function serverEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    // The child is a server, not a test worker: no test settings leak into it.
    if (v !== undefined && !k.startsWith('VITEST') && !k.startsWith('GRIDLOOP_') && k !== 'DATABASE_URL' && k !== 'NODE_ENV') env[k] = v;
  }
  return { ...env, ...TEST_SECRETS, HOST: '127.0.0.1', GRIDLOOP_DEMO: '0', GRIDLOOP_REPORT_RATE_PER_MIN: '1000000', LOG_LEVEL: 'warn', ...extra };
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs a gridloop command; resolves with its exit code and output. */
export function runCli(args: string[], env: Record<string, string>, timeoutMs = 300_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/gridloop.js'), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gridloop ${args.join(' ')} did not finish in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/**
 * Starts `gridloop start` and resolves once it listens. Rejects with the server's own words when it exits first
 * (a refused lock, a failed migration).
 */
export function startServer(env: Record<string, string>, timeoutMs = 180_000): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/gridloop.js'), 'start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let url: string | null = null;
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not listen within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (m && !url) {
        url = m[1]!;
        clearTimeout(timer);
        resolve({
          child,
          url,
          output: () => output,
          exited,
          async kill(signal: NodeJS.Signals = 'SIGKILL') {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            await exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      if (!url) reject(new ServerExitedError(code, output));
    });
  });
}

export class ServerExitedError extends Error {
  constructor(
    readonly code: number | null,
    readonly output: string,
  ) {
    super(`the server exited with code ${code} before listening:\n${output}`);
    this.name = 'ServerExitedError';
  }
}

export interface Ack {
  key: string;
  marker: string;
  caseId: string;
  caseNumber: string;
  trackingCode: string;
  photo: boolean;
}

export interface LoadResult {
  acks: Ack[];
  /** Markers of every report sent at least once, acknowledged or not. */
  sent: string[];
  /** Answers that were neither an acknowledgement nor worth a retry: each one is a failure of the test. */
  refusals: string[];
  /** Retries by cause (connection refused, 503, …). */
  retries: Record<string, number>;
  /** Every 5xx answer by status, error code and Retry-After (`503 SERVICE_UNAVAILABLE retry-after=5`). */
  unavailable: Record<string, number>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Residents reporting: each client sends one report after another, each with its own Idempotency-Key, and retries
 * the same request (same key, same bytes) on a refused connection, a timeout or a 5xx until it is acknowledged.
 */
export class ReportLoad {
  private running = false;
  private stopAt = Number.POSITIVE_INFINITY;
  private readonly loops: Promise<void>[] = [];
  private readonly result: LoadResult = { acks: [], sent: [], refusals: [], retries: {}, unavailable: {} };

  constructor(
    private readonly baseUrl: () => string,
    private readonly point: { lat: number; lng: number },
    private readonly opts: { clients: number; photoEvery?: number; categoryCode?: string; tag?: string } = { clients: 4 },
  ) {}

  start(): void {
    this.running = true;
    for (let i = 0; i < this.opts.clients; i++) this.loops.push(this.client(i));
  }

  /** Stops sending new reports; waits for the ones in flight (retrying) until `graceMs` has passed. */
  async stop(graceMs = 60_000): Promise<LoadResult> {
    this.running = false;
    this.stopAt = Date.now() + graceMs;
    await Promise.all(this.loops);
    return this.result;
  }

  get acknowledged(): number {
    return this.result.acks.length;
  }

  private retry(cause: string) {
    this.result.retries[cause] = (this.result.retries[cause] ?? 0) + 1;
  }

  private async client(n: number): Promise<void> {
    let i = 0;
    while (this.running) {
      i++;
      const key = randomUUID();
      const marker = `${this.opts.tag ?? 'load'} ${n}-${i} ${key}`;
      const photo = this.opts.photoEvery ? i % this.opts.photoEvery === 0 : false;
      const fields = {
        categoryCode: this.opts.categoryCode ?? 'E0102',
        lat: String(this.point.lat + (Math.random() - 0.5) * 1e-4),
        lng: String(this.point.lng + (Math.random() - 0.5) * 1e-4),
        description: marker,
        deviceId: `device-${key}`,
      };
      // One body for all attempts: a retry must be the same request, byte for byte.
      const body = photo
        ? multipart(fields, [{ field: 'photos', name: 'p.jpg', type: 'image/jpeg', data: TINY_JPEG }])
        : { payload: Buffer.from(JSON.stringify({ ...fields, lat: Number(fields.lat), lng: Number(fields.lng) })), headers: { 'content-type': 'application/json' } };
      this.result.sent.push(marker);
      for (;;) {
        if (!this.running && Date.now() > this.stopAt) return;
        let res: Response;
        try {
          res = await fetch(`${this.baseUrl()}/api/reports`, {
            method: 'POST',
            headers: { ...body.headers, 'idempotency-key': key },
            body: body.payload,
            signal: AbortSignal.timeout(15_000),
          });
        } catch (err) {
          const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
          this.retry(cause);
          await sleep(100 + Math.random() * 200);
          continue;
        }
        const text = await res.text().catch(() => '');
        if (res.status === 201 || res.status === 200) {
          const r = JSON.parse(text) as { caseId: string; caseNumber: string; trackingCode: string };
          this.result.acks.push({ key, marker, caseId: r.caseId, caseNumber: r.caseNumber, trackingCode: r.trackingCode, photo });
          break;
        }
        if (res.status >= 500 || res.status === 429) {
          this.retry(String(res.status));
          let code = '';
          try {
            code = (JSON.parse(text) as { code?: string }).code ?? '';
          } catch {
            code = 'not-json';
          }
          const seen = `${res.status} ${code} retry-after=${res.headers.get('retry-after') ?? 'none'}`;
          this.result.unavailable[seen] = (this.result.unavailable[seen] ?? 0) + 1;
          const after = Number(res.headers.get('retry-after') ?? '0');
          await sleep(Math.min(after * 1000, 1000) || 200);
          continue;
        }
        this.result.refusals.push(`${res.status} ${text.slice(0, 200)}`);
        break;
      }
    }
  }
}

export interface IntegrityReport {
  problems: string[];
  cases: number;
  orphanFiles: string[];
}

/**
 * What must hold after any crash or outage: every acknowledged report exists once, with the number it was given; no
 * report was stored twice; every case is whole (its intake timeline row, its audit row, its clock); no idempotency
 * key is left in progress or points at nothing; every attachment's files are on disk. Files on disk that no
 * attachment names (a photo stored by a transaction that never committed) are reported apart.
 */
export type Query = <R>(text: string, params?: unknown[]) => Promise<R[]>;

/** Queries as the connecting superuser, past row-level security: on PostgreSQL a client of its own, or a PGlite. */
export async function queryFor(target: string | Database): Promise<{ query: Query; close(): Promise<void> }> {
  if (typeof target !== 'string') {
    const pgl = target.pglite!;
    return { query: async <R>(text: string, params: unknown[] = []) => (await pgl.query<R>(text, params)).rows, close: async () => {} };
  }
  const c = new pg.Client({ connectionString: target });
  // A scratch database dropped under a client that a failed test left open must not crash the worker.
  c.on('error', () => {});
  await c.connect();
  await c.query('set row_security = off');
  return { query: async <R>(text: string, params: unknown[] = []) => (await c.query(text, params)).rows as R[], close: () => c.end() };
}

export async function checkIntegrity(q: Query, result: LoadResult, storageRoot: string): Promise<IntegrityReport> {
  const problems: string[] = [];
  const found = await q<{ id: string; number: string }>(`select id::text, number from cases where id = any($1::uuid[])`, [result.acks.map((a) => a.caseId)]);
  const byId = new Map(found.map((r) => [r.id, r.number]));
  for (const a of result.acks) {
    if (!byId.has(a.caseId)) problems.push(`acknowledged report ${a.caseNumber} (${a.marker}) is missing`);
    else if (byId.get(a.caseId) !== a.caseNumber) problems.push(`acknowledged report ${a.caseId} has number ${byId.get(a.caseId)}, not ${a.caseNumber}`);
  }
  const twice = await q<{ d: string; n: number }>(
    `select description as d, count(*)::int as n from cases where description = any($1::text[]) group by 1 having count(*) > 1`,
    [result.sent],
  );
  for (const t of twice) problems.push(`report "${t.d}" was stored ${t.n} times`);
  const checks: Array<[string, string]> = [
    ['cases without their intake timeline row', `select count(*)::int as n from cases c where not exists (select 1 from case_event e where e.case_id = c.id and e.action = 'intake')`],
    ['cases without their audit row', `select count(*)::int as n from cases c where not exists (select 1 from audit_log a where a.object_id = c.id::text and a.action = 'case.report')`],
    ['cases without a clock', `select count(*)::int as n from cases c where not exists (select 1 from case_clock k where k.case_id = c.id)`],
    ['idempotency keys left in progress', `select count(*)::int as n from idempotency_key where status is null or response is null`],
    ['idempotency keys answering with a case that does not exist', `select count(*)::int as n from idempotency_key k where not exists (select 1 from cases c where c.id::text = k.response->>'caseId')`],
  ];
  for (const [what, text] of checks) {
    const [r] = await q<{ n: number }>(text);
    if (r!.n > 0) problems.push(`${r!.n} ${what}`);
  }
  const attachments = await q<{ a: string; b: string }>(`select storage_key as a, public_storage_key as b from case_attachment`);
  const referenced = new Set(attachments.flatMap((r) => [r.a, r.b]));
  for (const key of referenced) if (!existsSync(join(storageRoot, ...key.split('/')))) problems.push(`attachment file ${key} is missing`);
  const stored = (await listStoredKeys(storageRoot)).keys;
  const [n] = await q<{ n: number }>(`select count(*)::int as n from cases`);
  return { problems, cases: n!.n, orphanFiles: stored.filter((k) => !referenced.has(k)) };
}

/** Waits until `ok()` holds, or fails saying what did not happen. */
export async function waitFor(what: string, ok: () => boolean, maxMs: number): Promise<void> {
  const until = Date.now() + maxMs;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`${what}: not within ${maxMs} ms`);
    await sleep(50);
  }
}

/** A point inside the first grid, to report at. */
export async function gridPoint(q: Query): Promise<{ lat: number; lng: number }> {
  const rows = await q<{ lat: number; lng: number }>(
    `select st_y(p) as lat, st_x(p) as lng from (select st_pointonsurface(geom) as p from jurisdiction where level = 'grid' order by code limit 1) x`,
  );
  return rows[0]!;
}

export { sleep };
