import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_SECRETS } from '../../testing/fixtures.ts';
import { storageRoot } from '../backup/files.ts';
import { sweepOrphanFiles } from '../backup/orphans.ts';
import { auditKey, sealAll, verifyAudit } from '../modules/audit/service.ts';
import { runPostgresCrash } from './crash.ts';
import { checkIntegrity, freePort, queryFor, ReportLoad, runCli, serverEnv, startServer, waitFor } from './harness.ts';
import { backend, openPglite, openScratch, type Scratch, scratchPostgres, removeTempDirs, seededDatabase, seededDataDir, tempDir } from './scratch.ts';

const KEY = Buffer.from(TEST_SECRETS.GRIDLOOP_DATA_KEY, 'utf8');
const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

describe.runIf(backend === 'postgres')('a server killed with SIGKILL under load (PostgreSQL)', () => {
  let scratch: Scratch | null = null;
  afterAll(async () => {
    await scratch?.drop();
    removeTempDirs();
  });

  it('keeps every acknowledged report exactly once and leaves nothing half-written', async () => {
    scratch = await scratchPostgres('crash');
    await (await seededDatabase(() => openScratch(scratch!))).close();
    const dataDir = tempDir('crash');
    const out = await runPostgresCrash({ databaseUrl: scratch.url, dataDir, clients: 6, kills: 3, between: [500, 2500], photoEvery: 2 });
    expect(out.kills).toBe(3);
    expect(out.load.refusals).toEqual([]);
    // The kills hit requests in flight: clients saw refused connections or lost answers, and retried.
    expect(total(out.load.retries)).toBeGreaterThan(0);
    expect(out.load.acks.length).toBeGreaterThan(10);
    expect(out.load.acks.some((a) => a.photo)).toBe(true);
    expect(out.integrity.problems).toEqual([]);
    // The sweep also takes the temporary files of writes cut short, which are no objects and not counted as found.
    expect(out.orphans.swept).toBeGreaterThanOrEqual(out.orphans.found);
    expect(out.integrity.orphanFiles).toEqual([]);
    expect(out.integrity.cases).toBeGreaterThanOrEqual(out.load.acks.length);
    console.log(
      `crash: ${out.kills} kills, ${out.load.acks.length} reports acknowledged, retries ${JSON.stringify(out.load.retries)}, ` +
        `${out.orphans.found} orphaned photos swept`,
    );
    expect(out.tracked.wrong).toEqual([]);
    expect(out.audit.ok, out.audit.problem ?? '').toBe(true);
  }, 300_000);
});

describe.runIf(backend === 'pglite')('a server killed with SIGKILL (embedded database)', () => {
  afterAll(() => removeTempDirs());

  it('restarts cleanly with every acknowledged report once, keeps a second process out, and comes back from a damaged database by the documented restore', async () => {
    const t0 = Date.now();
    const step = (what: string) => console.log(`crash (embedded): ${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const dataDir = tempDir('crash-pglite');
    const point = await seededDataDir(dataDir);
    const lock = join(dataDir, 'gridloop.lock');
    const env = serverEnv({ GRIDLOOP_DATA_DIR: dataDir, PORT: String(await freePort()) });
    step('data directory ready');
    let server = await startServer(env);
    step('server started');

    // A second server, and any command that opens the database, is refused while the first holds it.
    const second = startServer({ ...env, PORT: String(await freePort()) });
    await expect(second).rejects.toThrow(new RegExp(`in use by Gridloop process ${server.child.pid}`));
    const cli = await runCli(['backup', '--out', join(dataDir, 'refused.tar.gz')], env);
    expect(cli.code).toBe(1);
    expect(cli.output).toMatch(/in use by Gridloop process \d+\. Stop that process first/);

    step('second server and command refused');
    const load = new ReportLoad(() => server.url, point, { clients: 3, photoEvery: 3, tag: 'crash-pglite' });
    load.start();
    const from = load.acknowledged;
    await waitFor('reports acknowledged before the kill', () => load.acknowledged >= from + 3, 120_000);
    await server.kill('SIGKILL');
    // The dead process's lock stays behind; the next start sees its owner is gone and takes it over.
    expect(existsSync(lock)).toBe(true);
    server = await startServer(env);
    step('restarted after the kill');
    const after = load.acknowledged;
    await waitFor('reports acknowledged after the restart', () => load.acknowledged >= after + 3, 120_000);
    const result = await load.stop(60_000);
    expect(result.refusals).toEqual([]);
    expect(total(result.retries)).toBeGreaterThan(0);
    for (const a of result.acks.slice(-10)) {
      const res = await fetch(`${server.url}/api/reports/${a.trackingCode}`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { number: string }).number).toBe(a.caseNumber);
    }
    await server.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(existsSync(lock)).toBe(false);

    step('load stopped and server stopped');
    const db = await openPglite(dataDir);
    try {
      const found = (await checkIntegrity((await queryFor(db)).query, result, storageRoot(dataDir))).orphanFiles;
      expect((await sweepOrphanFiles(db, storageRoot(dataDir), { olderThanMs: 0 })).deleted).toEqual(expect.arrayContaining(found));
      const integrity = await checkIntegrity((await queryFor(db)).query, result, storageRoot(dataDir));
      expect(integrity.problems).toEqual([]);
      expect(integrity.orphanFiles).toEqual([]);
      await sealAll(db, auditKey(KEY));
      const audit = await verifyAudit(db, auditKey(KEY));
      expect(audit.ok, audit.problem ?? '').toBe(true);
    } finally {
      await db.close();
    }

    step('checked');
    // The documented way back from a damaged embedded database (a crash of the machine: PGlite does not fsync).
    const archive = join(dataDir, 'last.tar.gz');
    const backup = await runCli(['backup', '--out', archive], env);
    expect(backup.code, backup.output).toBe(0);
    writeFileSync(join(dataDir, 'pgdata', 'global', 'pg_control'), Buffer.alloc(512, 7));
    await expect(startServer(env)).rejects.toThrow(/could not be opened .*move .*pgdata aside and restore the latest backup with `gridloop restore FILE --force`/s);
    expect(existsSync(lock)).toBe(false);
    step('a damaged database refused');
    renameSync(join(dataDir, 'pgdata'), join(dataDir, 'pgdata.damaged'));
    const restored = await runCli(['restore', archive, '--force'], env);
    expect(restored.code, restored.output).toBe(0);
    expect(restored.output).toMatch(/all matching the manifest/);
    expect(restored.output).toMatch(/audit chain intact/);
    server = await startServer(env);
    for (const a of result.acks.slice(-5)) {
      const res = await fetch(`${server.url}/api/reports/${a.trackingCode}`);
      expect(((await res.json()) as { number: string }).number).toBe(a.caseNumber);
    }
    await server.kill('SIGTERM');
    step('restored from the backup and serving again');
  }, 600_000);
});
