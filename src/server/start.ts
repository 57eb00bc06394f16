import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { openDatabase } from '../db/database.ts';
import { analyzeAll, startEmbeddedAnalyze } from '../db/maintenance.ts';
import { migrate } from '../db/migrate.ts';
import { seedHistory } from '../demo/history.ts';
import { seedPeople } from '../demo/people.ts';
import { hasTerritory, seedDemo } from '../demo/seed.ts';
import { type App, buildApp, createContext, type AppContext } from './app.ts';
import type { Config } from './config.ts';
import { storageRoot } from './backup/files.ts';
import { startOrphanSweeper } from './backup/orphans.ts';
import { auditKey, startSealer } from './modules/audit/service.ts';
import { startSweeper } from './modules/cases/sweeper.ts';
import { startRollupFold } from './modules/command/rollup.ts';

export interface Running {
  app: App;
  ctx: AppContext;
  url: string;
  stop(): Promise<void>;
}

async function isDemo(db: Database): Promise<boolean> {
  return db.runAsOwner('startup', async (trx) => {
    const { rows } = await sql<{ yes: boolean }>`select exists (select 1 from audit_log where action = 'seed.demo') as yes`.execute(trx);
    return rows[0]?.yes ?? false;
  });
}

/**
 * Opens and migrates the database, serves, and seeds the demo city in the background when the database is empty and
 * the demo is on (embedded by default; GRIDLOOP_DEMO=1 for PostgreSQL). /api/health answers 503 "seeding" until done.
 */
export async function startServer(config: Config, log: (msg: string) => void = console.log): Promise<Running> {
  const db = await openDatabase(config);
  const { latest, applied } = await migrate(db, (m) => log(`migrate: ${m}`));
  if (applied.length) log(`migrate: ${applied.length} migration(s) applied, now at ${latest}`);
  const ctx = createContext(config, db, latest);
  await ctx.cases.init();
  // The dashboard's days are GRIDLOOP_TIMEZONE's: rebuilt once if the rollups were kept in another zone.
  if (await ctx.command.init()) log(`command: rollups rebuilt for the time zone ${config.timezone}`);
  await ctx.territory.rebuildIndex();
  ctx.state.demo = await isDemo(db);
  const needsSeed = config.demo && !(await hasTerritory(db));
  if (needsSeed) ctx.state.status = 'seeding';
  const app = await buildApp(ctx, { logger: { level: config.logLevel } });
  const url = await app.listen({ port: config.port, host: config.host });
  log(`Gridloop ${db.kind === 'pglite' ? `(embedded database in ${config.dataDir})` : '(PostgreSQL)'} listening on ${url}`);
  const stopSealer = startSealer(db, auditKey(config.dataKey), 1000, (err) => app.log.error({ err }, 'audit sealer failed'));
  const stopSweeper = startSweeper(db, ctx.cases, 30_000, (err) => app.log.error({ err }, 'SLA sweeper failed'));
  const stopOrphans = startOrphanSweeper(db, storageRoot(config.dataDir), (err) => app.log.error({ err }, 'orphan file sweep failed'));
  const stopFold = startRollupFold(db, 2000, (err) => app.log.error({ err }, 'command rollup fold failed'));
  const stopAnalyze = startEmbeddedAnalyze(db, 10 * 60_000, (err) => app.log.error({ err }, 'analyze failed'));
  if (needsSeed) {
    log('seeding the demo city (real names, synthetic boundaries)…');
    ctx.state.seed = { step: 'territory', done: 0, total: 1 };
    seedDemo(db, ctx.identity, { password: config.demoPassword }, (p) => {
      ctx.state.seed = p;
    })
      .then(async (summary) => {
        await ctx.territory.rebuildIndex();
        // Six months of cases, so that every page and queue has something to show; the server stays responsive.
        const h = await seedHistory(db, { dataKey: config.dataKey, timezone: config.timezone }, (p) => {
          ctx.state.seed = p;
        });
        log(`demo history: ${h.cases} cases over six months`);
        const people = await seedPeople(db, { dataKey: config.dataKey }, (p) => {
          ctx.state.seed = p;
        });
        log(`demo people: ${people.persons} persons in ${people.households} households, ${people.components} components`);
        await analyzeAll(db);
        ctx.state.demo = true;
        ctx.state.status = 'ok';
        ctx.state.seed = null;
        log(`demo city ready: ${summary.grids} grids; log in as admin, leader, shiftlead, dispatcher, clerk, gridworker or dept`);
      })
      .catch((err: unknown) => {
        app.log.error({ err }, 'demo seeding failed');
        log(`demo seeding failed: ${(err as Error).message}`);
        ctx.state.status = 'ok';
        ctx.state.seed = null;
      });
  }
  let stopping = false;
  return {
    app,
    ctx,
    url,
    async stop() {
      if (stopping) return;
      stopping = true;
      stopSealer();
      stopSweeper();
      stopOrphans();
      stopFold();
      stopAnalyze();
      await app.close();
      await ctx.cases.close();
      await db.close();
    },
  };
}
