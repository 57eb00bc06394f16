/**
 * The crash test on PostgreSQL: residents keep reporting while the server process is killed with SIGKILL and started
 * again, several times. Used by crash.test.ts (short) and scripts/crash-test.mjs (long).
 */
import { openPostgres } from '../../db/database.ts';
import { TEST_SECRETS } from '../../testing/fixtures.ts';
import { storageRoot } from '../backup/files.ts';
import { sweepOrphanFiles } from '../backup/orphans.ts';
import { auditKey, sealAll, type VerifyResult, verifyAudit } from '../modules/audit/service.ts';
import {
  checkIntegrity,
  freePort,
  gridPoint,
  type IntegrityReport,
  type LoadResult,
  queryFor,
  ReportLoad,
  type ServerProcess,
  serverEnv,
  sleep,
  startServer,
} from './harness.ts';

export interface CrashOptions {
  databaseUrl: string;
  dataDir: string;
  clients: number;
  kills: number;
  /** How long the load runs between kills, in ms: a random time in this range. */
  between: [number, number];
  photoEvery?: number;
  log?: (msg: string) => void;
}

export interface CrashOutcome {
  load: LoadResult;
  integrity: IntegrityReport;
  audit: VerifyResult;
  kills: number;
  /** Photos of transactions a kill cut short, found after the run; files the orphan sweep deleted (with torn writes). */
  orphans: { found: number; swept: number };
  /** How many acknowledged reports the final server could show by their tracking codes (a sample). */
  tracked: { checked: number; wrong: string[] };
}

/** Waits until the load has `more` acknowledgements beyond `from` (or the time is up). */
async function progressed(load: ReportLoad, from: number, more: number, maxMs: number): Promise<void> {
  const until = Date.now() + maxMs;
  while (load.acknowledged < from + more && Date.now() < until) await sleep(50);
}

export async function runPostgresCrash(opts: CrashOptions): Promise<CrashOutcome> {
  const log = opts.log ?? (() => {});
  const env = serverEnv({ DATABASE_URL: opts.databaseUrl, PORT: String(await freePort()), GRIDLOOP_DATA_DIR: opts.dataDir });
  let server: ServerProcess = await startServer(env);
  const db = await queryFor(opts.databaseUrl);
  try {
    const load = new ReportLoad(() => server.url, await gridPoint(db.query), { clients: opts.clients, photoEvery: opts.photoEvery ?? 4, tag: 'crash' });
    load.start();
    let kills = 0;
    for (let k = 0; k < opts.kills; k++) {
      const before = load.acknowledged;
      await progressed(load, before, 3, 60_000);
      await sleep(opts.between[0] + Math.random() * (opts.between[1] - opts.between[0]));
      // Killed under load: some requests are mid-transaction, some answers are on the wire.
      await server.kill('SIGKILL');
      kills++;
      log(`kill ${kills}: ${load.acknowledged} reports acknowledged so far`);
      server = await startServer(env);
    }
    await progressed(load, load.acknowledged, 3, 60_000);
    const result = await load.stop(60_000);
    log(`load stopped: ${result.acks.length} acknowledged, retries ${JSON.stringify(result.retries)}`);

    // A sample through the public tracking page of the last server (it allows 120 look-ups a minute per address).
    const wrong: string[] = [];
    const sample = [...result.acks].sort(() => Math.random() - 0.5).slice(0, 40);
    for (const a of sample) {
      const res = await fetch(`${server.url}/api/reports/${a.trackingCode}`);
      const body = res.ok ? ((await res.json()) as { number: string }) : null;
      if (body?.number !== a.caseNumber) wrong.push(`${a.trackingCode}: ${res.status} ${body?.number ?? ''}`);
    }
    await server.kill('SIGTERM');

    // Photos stored by transactions that a kill cut short: the servers' sweep deletes them after an hour; here, now.
    const root = storageRoot(opts.dataDir);
    const orphans = (await checkIntegrity(db.query, result, root)).orphanFiles.length;
    const audited = await openPostgres(opts.databaseUrl, 2);
    let audit: VerifyResult;
    let swept: number;
    try {
      swept = (await sweepOrphanFiles(audited, root, { olderThanMs: 0 })).deleted.length;
      const key = auditKey(Buffer.from(TEST_SECRETS.GRIDLOOP_DATA_KEY, 'utf8'));
      await sealAll(audited, key);
      audit = await verifyAudit(audited, key);
    } finally {
      await audited.close();
    }
    const integrity = await checkIntegrity(db.query, result, root);
    return { load: result, integrity, audit, kills, orphans: { found: orphans, swept }, tracked: { checked: sample.length, wrong } };
  } finally {
    await server.kill('SIGKILL');
    await db.close();
  }
}
