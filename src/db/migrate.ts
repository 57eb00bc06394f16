import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { type Database, quoteIdent } from './database.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const LOCK_KEY = 7_201_604_311; // pg_advisory_lock key for migrations: any constant shared by all processes.

/** Tables whose rows nobody but the owner may change once written. */
const APPEND_ONLY = ['audit_log'];

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export function migrationFiles(): MigrationFile[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const text = readFileSync(MIGRATIONS_DIR + name, 'utf8');
      return {
        version: Number(name.slice(0, 4)),
        name,
        sql: text,
        checksum: createHash('sha256').update(text).digest('hex'),
      };
    });
}

function pgCode(err: unknown): string | undefined {
  return (err as { code?: string }).code;
}

export interface MigrateResult {
  applied: string[];
  latest: number;
}

/**
 * Brings the database to the latest migration. Idempotent; safe with several processes (advisory lock). Roles and
 * extensions are set up first, with an error that says what an operator must run when we lack the privilege.
 */
export async function migrate(db: Database, log: (msg: string) => void = () => {}): Promise<MigrateResult> {
  const { owner, app } = db.roles;
  const pub = db.roles.public;
  const files = migrationFiles();
  return db.admin.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${LOCK_KEY})`.execute(conn);
    try {
      const { rows: who } = await sql<{ u: string; su: boolean }>`
        select current_user as u, (select rolsuper from pg_roles where rolname = current_user) as su`.execute(conn);
      const me = who[0]!.u;
      for (const [role, bypass] of [
        [owner, false],
        [app, false],
        [pub, false],
      ] as const) {
        try {
          await sql
            .raw(
              `do $$ begin if not exists (select from pg_roles where rolname = '${role}') then
                 create role ${quoteIdent(role)} nologin ${bypass ? '' : 'nobypassrls'}; end if; end $$`,
            )
            .execute(conn);
          if (!who[0]!.su) await sql.raw(`grant ${quoteIdent(role)} to ${quoteIdent(me)}`).execute(conn);
        } catch (err) {
          throw new MigrationError(
            `Cannot create role ${role} (${(err as Error).message}). As a superuser, run: ` +
              `CREATE ROLE ${owner} NOLOGIN; CREATE ROLE ${app} NOLOGIN NOBYPASSRLS; CREATE ROLE ${pub} NOLOGIN; ` +
              `GRANT ${owner}, ${app}, ${pub} TO ${me};`,
          );
        }
      }
      for (const ext of ['postgis', 'ltree', 'pg_trgm']) {
        try {
          await sql.raw(`create extension if not exists ${ext}`).execute(conn);
        } catch (err) {
          throw new MigrationError(
            `Cannot create the extension ${ext} in database ${db.name} (${(err as Error).message}). ` +
              `As a superuser, run in that database: CREATE EXTENSION IF NOT EXISTS ${ext};` +
              (ext === 'postgis' ? ' (on Debian: apt-get install postgresql-15-postgis-3 first)' : ''),
          );
        }
      }
      try {
        await sql.raw(`grant usage, create on schema public to ${quoteIdent(owner)}`).execute(conn);
        await sql.raw(`grant usage on schema public to ${quoteIdent(app)}, ${quoteIdent(pub)}`).execute(conn);
      } catch (err) {
        throw new MigrationError(
          `Cannot grant on schema public (${(err as Error).message}). As the database owner, run: ` +
            `GRANT USAGE, CREATE ON SCHEMA public TO ${owner}; GRANT USAGE ON SCHEMA public TO ${app}, ${pub};`,
        );
      }
      await sql`create table if not exists schema_migration (
          version integer primary key, name text not null, checksum text not null,
          applied_at timestamptz not null default now())`.execute(conn);

      const { rows: done } = await sql<{ version: number; name: string; checksum: string }>`
        select version, name, checksum from schema_migration order by version`.execute(conn);
      const byVersion = new Map(done.map((r) => [r.version, r]));
      const applied: string[] = [];
      for (const file of files) {
        const prior = byVersion.get(file.version);
        if (prior) {
          if (prior.checksum !== file.checksum) {
            throw new MigrationError(
              `Migration ${file.name} was changed after it was applied (recorded checksum ${prior.checksum.slice(0, 12)}, ` +
                `file ${file.checksum.slice(0, 12)}). Add a new migration instead of editing an applied one.`,
            );
          }
          continue;
        }
        log(`applying ${file.name}`);
        await sql`begin`.execute(conn);
        try {
          await sql.raw(`set local role ${quoteIdent(owner)}`).execute(conn);
          await sql.raw(file.sql).execute(conn);
          await sql`reset role`.execute(conn);
          await sql`insert into schema_migration (version, name, checksum) values (${file.version}, ${file.name}, ${file.checksum})`.execute(
            conn,
          );
          await sql`commit`.execute(conn);
        } catch (err) {
          await sql`rollback`.execute(conn);
          throw new MigrationError(`Migration ${file.name} failed: ${(err as Error).message} (${pgCode(err) ?? ''})`);
        }
        applied.push(file.name);
      }

      // Grants are derived, not migrated: role names differ per database. Least privilege: the app role reads and
      // writes domain tables but only appends to the audit log and never sees the migration table.
      await sql`begin`.execute(conn);
      await sql.raw(`set local role ${quoteIdent(owner)}`).execute(conn);
      const { rows: owned } = await sql<{ t: string; k: string }>`
        select c.relname as t, c.relkind::text as k from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'v', 'p', 'S') and pg_get_userbyid(c.relowner) = ${owner}
          and not c.relname like 'public\_%'`.execute(conn);
      // The public role reads only the views named public_*: they expose no personal data.
      const { rows: views } = await sql<{ t: string }>`
        select c.relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'v' and c.relname like 'public\_%'`.execute(conn);
      const grants = [
        ...owned.map((r) =>
          r.k === 'S'
            ? `grant usage, select on sequence ${quoteIdent(r.t)} to ${quoteIdent(app)}`
            : `grant select, insert, update, delete on ${quoteIdent(r.t)} to ${quoteIdent(app)}`,
        ),
        ...APPEND_ONLY.map((t) => `revoke update, delete, truncate on ${t} from ${quoteIdent(app)}`),
        ...APPEND_ONLY.map((t) => `grant insert on ${t} to ${quoteIdent(pub)}`),
        ...views.map((v) => `grant select on ${quoteIdent(v.t)} to ${quoteIdent(pub)}, ${quoteIdent(app)}`),
      ];
      try {
        for (const g of grants) await sql.raw(g).execute(conn);
        await sql`commit`.execute(conn);
      } catch (err) {
        await sql`rollback`.execute(conn);
        throw new MigrationError(`Granting privileges failed: ${(err as Error).message}`);
      }
      await sql`reset role`.execute(conn);
      await sql`revoke all on schema_migration from public`.execute(conn);
      return { applied, latest: files.at(-1)?.version ?? 0 };
    } finally {
      await sql`select pg_advisory_unlock(${LOCK_KEY})`.execute(conn);
    }
  });
}

export async function migrationStatus(db: Database): Promise<{ latest: number; applied: number }> {
  const { rows } = await sql<{ v: number | null }>`select max(version)::int as v from schema_migration`.execute(
    db.admin,
  );
  return { latest: migrationFiles().at(-1)?.version ?? 0, applied: rows[0]?.v ?? 0 };
}
