import { readFileSync, writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { ROLES, type Role, systemCaller } from '../db/caller.ts';
import { type Database, openDatabase } from '../db/database.ts';
import { DataDirLockedError } from '../db/lock.ts';
import { analyzeAll } from '../db/maintenance.ts';
import { migrate, MigrationError } from '../db/migrate.ts';
import { DEFAULT_HISTORY_CASES, seedHistory } from '../demo/history.ts';
import { seedPeople } from '../demo/people.ts';
import { seedDemo } from '../demo/seed.ts';
import { ensureReferenceData } from '../server/modules/cases/reference.ts';
import { VERSION } from '../server/app.ts';
import { ConfigError, type Config, loadConfig } from '../server/config.ts';
import { AppError, errorMessage } from '../server/errors.ts';
import { auditAnchor, auditKey, sealAll, verifyAndRecord } from '../server/modules/audit/service.ts';
import { IdentityService, TOKEN_SCOPES } from '../server/modules/identity/service.ts';
import { TerritoryService } from '../server/modules/territory/service.ts';
import { registerBackupCommands } from './backup.ts';
import { ensureWebBuild } from './build-web.ts';
import { progress } from './progress.ts';
import { registerRegistryCommands } from './registry.ts';

/** One clear line on standard error and a non-zero exit: what went wrong and, where we know, what to do. */
function fail(err: unknown): never {
  let msg: string;
  if (err instanceof AppError) {
    msg = errorMessage(err.code, 'en', err.opts.params) + (err.opts.field ? ` (${err.opts.field})` : '');
  } else if (err instanceof ConfigError || err instanceof DataDirLockedError || err instanceof MigrationError) {
    msg = err.message;
  } else if ((err as { code?: string }).code === 'ECONNREFUSED') {
    msg = `cannot reach PostgreSQL at DATABASE_URL (${(err as Error).message}); is the server running?`;
  } else {
    msg = (err as Error)?.message ?? String(err);
  }
  process.stderr.write(`gridloop: ${msg}\n`);
  process.exit(1);
}

async function withDb<T>(fn: (db: Database, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDatabase(config);
  try {
    await migrate(db);
    return await fn(db, config);
  } finally {
    await db.close();
  }
}

function positiveInt(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('must be a positive whole number');
  return Number(v);
}

const program = new Command();
program
  .name('gridloop')
  .description('Gridloop: grid-based community governance and emergency response')
  .version(VERSION)
  .showHelpAfterError();

program
  .command('start')
  .description('serve Gridloop (API, web app, Open311); migrates the database and seeds the demo city when empty')
  .option('--build', 'build the web app first when its sources changed')
  .action(async (opts: { build?: boolean }) => {
    const config = loadConfig();
    if (opts.build) await ensureWebBuild((m) => console.log(m));
    const { startServer } = await import('../server/start.ts');
    const running = await startServer(config);
    const shutdown = async (signal: string) => {
      console.log(`${signal}: stopping`);
      await running.stop();
      process.exit(0);
    };
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
  });

program
  .command('migrate')
  .description('apply pending database migrations (idempotent)')
  .action(async () => {
    const config = loadConfig();
    const db = await openDatabase(config);
    try {
      const r = await migrate(db, (m) => console.log(m));
      console.log(r.applied.length ? `applied ${r.applied.length}; now at ${r.latest}` : `up to date at ${r.latest}`);
    } finally {
      await db.close();
    }
  });

program
  .command('seed')
  .description('seed a deterministic demo city (real names and codes, synthetic boundaries) with six months of cases')
  .requiredOption('--demo', 'the demo city')
  .option('--seed <n>', 'random seed', positiveInt, 1)
  .option('--grids <n>', 'about how many grids', positiveInt, 300)
  .option('--cases <n>', 'how many cases of history (0: none)', (v) => {
    if (!/^\d+$/.test(v)) throw new InvalidArgumentError('must be a whole number');
    return Number(v);
  }, DEFAULT_HISTORY_CASES)
  .option('--persons <n>', 'demo persons in households and buildings, with components (10,000,000 need about 17 GB of disk)', positiveInt, 50_000)
  .option('--as-of <date>', 'the reference date the history ends at (default: now)', (v) => {
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) throw new InvalidArgumentError('must be a date, e.g. 2026-11-26');
    return d;
  })
  .action(async (opts: { seed: number; grids: number; cases: number; persons: number; asOf?: Date }) => {
    await withDb(async (db, config) => {
      const bar = progress('seed');
      const summary = await seedDemo(db, new IdentityService(db), { seed: opts.seed, grids: opts.grids, password: config.demoPassword }, (p) =>
        bar.update(p.done, p.total, p.step),
      );
      bar.stop();
      console.log(
        `seeded ${summary.districts} district(s), ${summary.streets} streets, ${summary.communities} communities, ` +
          `${summary.grids} grids and users ${summary.users.join(', ')} in ${(summary.ms / 1000).toFixed(1)} s`,
      );
      if (opts.cases > 0) {
        await ensureReferenceData(db);
        const hbar = progress('history');
        const h = await seedHistory(db, { seed: opts.seed, asOf: opts.asOf, cases: opts.cases, dataKey: config.dataKey, timezone: config.timezone }, (p) =>
          hbar.update(p.done, p.total, 'cases'),
        );
        hbar.stop();
        console.log(`wrote ${h.cases} cases with ${h.events} timeline rows and ${h.clocks} clocks in ${(h.ms / 1000).toFixed(1)} s`);
      }
      const pbar = progress('people');
      const p = await seedPeople(db, { seed: opts.seed, persons: opts.persons, dataKey: config.dataKey }, (x) => pbar.update(x.done, x.total, 'persons'));
      pbar.stop();
      console.log(`wrote ${p.persons} persons (${p.floating} floating) in ${p.households} households, ${p.buildings} buildings and ${p.components} components in ${(p.ms / 1000).toFixed(1)} s`);
      await sealAll(db, auditKey(config.dataKey));
      await analyzeAll(db);
    });
  });

const importCmd = program.command('import').description('import data from a file');
importCmd
  .command('territory <file>')
  .description('import jurisdictions and grids from a GeoJSON FeatureCollection (all or nothing)')
  .option('--tolerance <m2>', 'area tolerance for overlaps, gaps and overhangs, in m²', (v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a non-negative number');
    return n;
  }, 1)
  .option('--dry-run', 'validate only')
  .action(async (file: string, opts: { tolerance: number; dryRun?: boolean }) => {
    let input: unknown;
    try {
      input = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      fail(new Error(`cannot read ${file} as JSON: ${(err as Error).message}`));
    }
    await withDb(async (db) => {
      const territory = new TerritoryService(db);
      const r = await territory.importGeoJson(systemCaller('import'), input, { toleranceM2: opts.tolerance, dryRun: opts.dryRun });
      if (r.problems.length) {
        for (const p of r.problems) process.stderr.write(`  ${p.kind}: ${p.message}\n`);
        fail(new Error(`${file} refused: ${r.problems.length} problem(s); nothing was changed`));
      }
      console.log(
        opts.dryRun
          ? `${file}: ${r.features} features valid (tolerance ${r.toleranceM2} m²); nothing written (dry run)`
          : `${file}: ${r.features} features: ${r.created} created, ${r.redrawn} redrawn, ${r.renamed} renamed, ${r.unchanged} unchanged`,
      );
    });
  });

const exportCmd = program.command('export').description('export data to a file');
exportCmd
  .command('territory')
  .description('export the territory as a GeoJSON FeatureCollection')
  .requiredOption('--out <file>', 'output file')
  .action(async (opts: { out: string }) => {
    await withDb(async (db) => {
      const fc = await new TerritoryService(db).exportGeoJson(systemCaller('export'));
      writeFileSync(opts.out, JSON.stringify(fc));
      console.log(`wrote ${fc.features.length} features to ${opts.out}`);
    });
  });

registerRegistryCommands(importCmd, exportCmd, withDb);
registerBackupCommands(program, withDb);

const userCmd = program.command('user').description('manage users');
userCmd
  .command('create')
  .description('create a user with one role at one jurisdiction')
  .requiredOption('--username <u>')
  .requiredOption('--password <p>')
  .requiredOption('--role <r>', `one of ${ROLES.join(', ')}`, (v) => {
    if (!(ROLES as readonly string[]).includes(v)) throw new InvalidArgumentError(`must be one of ${ROLES.join(', ')}`);
    return v;
  })
  .requiredOption('--jurisdiction <code>', 'the code of the node the user works at')
  .option('--department <code>', 'the department code (department staff)')
  .option('--display-name <name>')
  .action(async (opts: { username: string; password: string; role: Role; jurisdiction: string; department?: string; displayName?: string }) => {
    await withDb(async (db) => {
      const r = await new IdentityService(db).createUser(systemCaller('cli'), {
        username: opts.username,
        password: opts.password,
        role: opts.role,
        jurisdictionCode: opts.jurisdiction,
        departmentCode: opts.department ?? null,
        displayName: opts.displayName,
      });
      console.log(`created user ${opts.username} (${r.id})`);
    });
  });

const tokenCmd = program.command('token').description('manage API tokens');
tokenCmd
  .command('create')
  .description('create an API token for a user; prints only the token')
  .requiredOption('--user <username>')
  .option('--scopes <list>', `comma-separated: ${TOKEN_SCOPES.join(', ')}`, 'read')
  .option('--name <name>', 'what the token is for', 'cli')
  .action(async (opts: { user: string; scopes: string; name: string }) => {
    await withDb(async (db) => {
      const r = await new IdentityService(db).createToken(systemCaller('cli'), {
        username: opts.user,
        name: opts.name,
        scopes: opts.scopes.split(',').map((s) => s.trim()).filter(Boolean),
      });
      process.stdout.write(`${r.token}\n`);
    });
  });

const auditCmd = program.command('audit').description('the hash-chained audit log');
auditCmd
  .command('verify')
  .description('seal pending rows, then check the whole chain; reports the first broken link')
  .option('--anchor <seq:hash>', 'an anchor printed earlier by `gridloop audit anchor`: also detects a cut tail')
  .action(async (opts: { anchor?: string }) => {
    await withDb(async (db, config) => {
      const key = auditKey(config.dataKey);
      await sealAll(db, key);
      const bar = progress('verify');
      const r = await verifyAndRecord(db, key, opts.anchor, (d, t) => bar.update(d, t, 'rows'));
      bar.stop();
      if (!r.ok) fail(new Error(`audit chain broken: ${r.problem}`));
      console.log(`audit chain intact: ${r.checked} rows verified${r.lastSeq ? `, last ${r.lastSeq}:${r.lastHash}` : ''}`);
    });
  });
auditCmd
  .command('anchor')
  .description('print the latest sealed link (SEQ:HASH) to keep outside the system')
  .action(async () => {
    await withDb(async (db, config) => {
      await sealAll(db, auditKey(config.dataKey));
      const a = await auditAnchor(db);
      if (!a) fail(new Error('the audit log is empty'));
      process.stdout.write(`${a}\n`);
    });
  });

program.parseAsync(process.argv).catch(fail);
