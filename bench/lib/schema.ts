/**
 * Migrating the bench database. Migrations past the frozen ones may still change while they are being written, and a
 * database that applied a draft refuses the final file (checksum); reloading ten million persons is no answer. So the
 * bench applies the frozen schema (FROZEN_VERSION, exactly as `migrate` applies it and with the same checksums), records
 * its catalog (snapshot.ts), and then brings the database to the latest migration with the real `migrate`; when a draft
 * changes later, rebase.ts takes the database back to the recorded frozen schema and forward again. Data are loaded
 * at the latest schema, so no migration has to rewrite millions of rows afterwards.
 */
import { migrate, MigrationError, migrationFiles } from '../../src/db/migrate.ts';
import { quoteIdent } from '../../src/db/database.ts';
import type { BenchDb } from './db.ts';

/** Migrations 0001–0003 are landed and checksummed: never edited again. */
export const FROZEN_VERSION = 3;

/** The schema at FROZEN_VERSION, with the roles and grants `migrate` would derive. Idempotent. */
export async function migrateFrozen(b: BenchDb): Promise<void> {
  const { owner, app } = b.db.roles;
  const pub = b.db.roles.public;
  const c = await b.admin.connect();
  try {
    for (const role of [owner, app, pub]) {
      await c.query(`do $$ begin if not exists (select from pg_roles where rolname = '${role}') then
        create role ${quoteIdent(role)} nologin nobypassrls; end if; end $$`);
    }
    for (const ext of ['postgis', 'ltree', 'pg_trgm']) await c.query(`create extension if not exists ${ext}`);
    await c.query(`grant usage, create on schema public to ${quoteIdent(owner)}`);
    await c.query(`grant usage on schema public to ${quoteIdent(app)}, ${quoteIdent(pub)}`);
    await c.query(`create table if not exists schema_migration (
      version integer primary key, name text not null, checksum text not null, applied_at timestamptz not null default now())`);
    const { rows } = await c.query<{ version: number; checksum: string }>('select version, checksum from schema_migration');
    const done = new Map(rows.map((r) => [r.version, r.checksum]));
    for (const file of migrationFiles().filter((f) => f.version <= FROZEN_VERSION)) {
      const prior = done.get(file.version);
      if (prior !== undefined) {
        if (prior !== file.checksum) throw new MigrationError(`bench: ${file.name} differs from the applied one; rebuild with --fresh`);
        continue;
      }
      await c.query('begin');
      try {
        await c.query(`set local role ${quoteIdent(owner)}`);
        await c.query(file.sql);
        await c.query('reset role');
        await c.query('insert into schema_migration (version, name, checksum) values ($1, $2, $3)', [file.version, file.name, file.checksum]);
        await c.query('commit');
      } catch (err) {
        await c.query('rollback');
        throw err;
      }
    }
    // The grants migrate() derives (src/db/migrate.ts), so that the demo seeders can run as the app role meanwhile.
    const { rows: owned } = await c.query<{ t: string; k: string }>(`
      select c.relname as t, c.relkind::text as k from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'v', 'p', 'S') and pg_get_userbyid(c.relowner) = $1
        and not c.relname like 'public\\_%'`, [owner]);
    const { rows: views } = await c.query<{ t: string }>(`
      select c.relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'v' and c.relname like 'public\\_%'`);
    await c.query('begin');
    await c.query(`set local role ${quoteIdent(owner)}`);
    for (const r of owned) {
      await c.query(
        r.k === 'S'
          ? `grant usage, select on sequence ${quoteIdent(r.t)} to ${quoteIdent(app)}`
          : `grant select, insert, update, delete on ${quoteIdent(r.t)} to ${quoteIdent(app)}`,
      );
    }
    await c.query(`revoke update, delete, truncate on audit_log from ${quoteIdent(app)}`);
    await c.query(`grant insert on audit_log to ${quoteIdent(pub)}`);
    for (const v of views) await c.query(`grant select on ${quoteIdent(v.t)} to ${quoteIdent(pub)}, ${quoteIdent(app)}`);
    await c.query('commit');
    await c.query('revoke all on schema_migration from public');
  } finally {
    c.release();
  }
}

/** The latest schema, through the real migrate; says what to do when a draft migration changed after it was applied. */
export async function migrateLatest(b: BenchDb, log: (m: string) => void = () => {}): Promise<{ latest: number; applied: string[]; rebuiltRollup: boolean }> {
  try {
    const r = await migrate(b.db, log);
    // A migration that ends by rebuilding the command center's rollup (0004 does, over the cases it finds) leaves it
    // fresh: the bench need not rebuild it again.
    const files = new Map(migrationFiles().map((f) => [f.name, f.sql]));
    const rebuiltRollup = r.applied.some((name) => /select\s+\w*rollup\w*rebuild\w*\(\)/i.test(files.get(name) ?? ''));
    return { latest: r.latest, applied: r.applied, rebuiltRollup };
  } catch (err) {
    if (err instanceof MigrationError && /changed after it was applied/.test(err.message)) {
      throw new MigrationError(
        `${err.message}\nbench: the bench database ${b.name} was migrated with an earlier draft of that migration. ` +
          `Run again with --fresh to rebuild it (long: it reloads the volume), or drop what the draft created and delete its ` +
          `schema_migration row by hand.`,
      );
    }
    throw err;
  }
}

export async function appliedVersion(b: BenchDb): Promise<number> {
  const { rows } = await b.admin.query<{ v: number | null }>('select max(version) as v from schema_migration');
  return rows[0]?.v ?? 0;
}
