/**
 * Takes the bench database back to the frozen schema when a draft migration (past FROZEN_VERSION) changed after the
 * database applied it, so that the current drafts can be applied to the rows already loaded, instead of reloading ten
 * million persons. It compares the catalog with the snapshot taken at the frozen schema (snapshot.ts): drops what the
 * drafts added (triggers, policies, views, tables, columns, indexes, constraints, functions), restores what they
 * changed (functions, views, policies, triggers, row-level security flags), and forgets their schema_migration rows,
 * all in one transaction. What it cannot undo: rows a draft changed in frozen columns (none of ours do).
 */
import { MigrationError, migrationFiles } from '../../src/db/migrate.ts';
import type { BenchDb } from './db.ts';
import { FROZEN_VERSION } from './schema.ts';
import { type CatalogEntry, catalog } from './snapshot.ts';

function split(name: string): [string, string] {
  const i = name.indexOf('.');
  return [name.slice(0, i), name.slice(i + 1)];
}

const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

export async function rebaseIfDraftsChanged(b: BenchDb, log: (m: string) => void): Promise<boolean> {
  const files = new Map(migrationFiles().map((f) => [f.version, f]));
  const { rows: applied } = await b.admin.query<{ version: number; name: string; checksum: string }>(
    'select version, name, checksum from schema_migration where version > $1 order by version',
    [FROZEN_VERSION],
  );
  const changed = applied.filter((a) => files.get(a.version)?.checksum !== a.checksum || files.get(a.version)?.name !== a.name);
  if (changed.length === 0) return false;
  await b.admin.query('create table if not exists bench_schema_snapshot (kind text not null, name text not null, def text not null, primary key (kind, name))');
  const { rows: snap } = await b.admin.query<CatalogEntry>('select kind, name, def from bench_schema_snapshot');
  if (snap.length === 0) {
    throw new MigrationError(
      `bench: ${changed.map((c) => c.name).join(', ')} changed after ${b.name} applied it, and the database has no snapshot of the ` +
        'frozen schema to go back to: run with --fresh.',
    );
  }
  log(`draft migration(s) ${changed.map((c) => c.name).join(', ')} changed since ${b.name} applied them: back to the frozen schema, then forward again`);
  const key = (e: CatalogEntry) => `${e.kind} ${e.name}`;
  const want = new Map(snap.map((e) => [key(e), e]));
  const c = await b.admin.connect();
  try {
    await c.query('begin');
    const run = async (stmt: string) => {
      await c.query(stmt);
    };
    const now = await catalog(b, c);
    const extra = (kind: string) => now.filter((e) => e.kind === kind && !want.has(key(e)));
    // 1. Drop what the drafts added, dependants first.
    for (const e of extra('trigger')) {
      const [t, n] = split(e.name);
      await run(`drop trigger if exists ${q(n)} on ${q(t)}`);
    }
    for (const e of extra('policy')) {
      const [t, n] = split(e.name);
      await run(`drop policy if exists ${q(n)} on ${q(t)}`);
    }
    for (const e of extra('view')) await run(`drop view if exists ${q(e.name)} cascade`);
    // Tables before sequences: an identity or serial column's sequence goes with its table.
    for (const e of extra('table').filter((x) => !x.def.startsWith('S'))) await run(`drop table if exists ${q(e.name)} cascade`);
    for (const e of extra('table').filter((x) => x.def.startsWith('S'))) await run(`drop sequence if exists ${q(e.name)} cascade`);
    for (const e of extra('column')) {
      const [t, n] = split(e.name);
      if (want.has(`table ${t}`)) await run(`alter table ${q(t)} drop column if exists ${q(n)} cascade`);
    }
    for (const e of extra('constraint')) {
      const [t, n] = split(e.name);
      if (want.has(`table ${t}`)) await run(`alter table ${q(t)} drop constraint if exists ${q(n)} cascade`);
    }
    for (const e of extra('index')) await run(`drop index if exists ${q(e.name)} cascade`);
    for (const e of extra('function')) await run(`drop function if exists ${e.name} cascade`);
    // 2. Restore what they changed or what the cascades took along.
    const after = new Map((await catalog(b, c)).map((e) => [key(e), e]));
    const differs = (e: CatalogEntry) => after.get(key(e))?.def !== e.def;
    for (const e of snap.filter((x) => x.kind === 'function' && differs(x))) await run(e.def);
    for (const e of snap.filter((x) => x.kind === 'view' && differs(x))) {
      await run(`drop view if exists ${q(e.name)} cascade`);
      await run(`create view ${q(e.name)} as ${e.def}`);
    }
    for (const e of snap.filter((x) => x.kind === 'table' && differs(x) && after.has(key(x)))) {
      const [, rls, force] = e.def.split(':');
      await run(`alter table ${q(e.name)} ${rls === 'true' ? 'enable' : 'disable'} row level security`);
      await run(`alter table ${q(e.name)} ${force === 'true' ? 'force' : 'no force'} row level security`);
    }
    for (const e of snap.filter((x) => x.kind === 'column' && differs(x) && after.has(key(x)))) {
      log(`  note: column ${e.name} is now "${after.get(key(e))?.def}", was "${e.def}" (left as it is)`);
    }
    for (const e of snap.filter((x) => x.kind === 'constraint' && differs(x))) {
      const [t, n] = split(e.name);
      await run(`alter table ${q(t)} drop constraint if exists ${q(n)}`);
      await run(`alter table ${q(t)} add constraint ${q(n)} ${e.def}`);
    }
    for (const e of snap.filter((x) => x.kind === 'index' && differs(x))) {
      await run(`drop index if exists ${q(e.name)}`);
      await run(e.def);
    }
    for (const e of snap.filter((x) => x.kind === 'trigger' && differs(x))) {
      const [t, n] = split(e.name);
      await run(`drop trigger if exists ${q(n)} on ${q(t)}`);
      await run(e.def);
    }
    for (const e of snap.filter((x) => x.kind === 'policy' && differs(x))) {
      const [t, n] = split(e.name);
      await run(`drop policy if exists ${q(n)} on ${q(t)}`);
      await run(e.def);
    }
    await c.query('delete from schema_migration where version > $1', [FROZEN_VERSION]);
    await c.query('commit');
  } catch (err) {
    await c.query('rollback').catch(() => {});
    throw err;
  } finally {
    c.release();
  }
  const left = (await catalog(b)).filter((e) => want.get(key(e))?.def !== e.def || !want.has(key(e)));
  if (left.length > 0) log(`  after the rebase ${left.length} catalog entries still differ from the snapshot: ${left.slice(0, 5).map(key).join('; ')}`);
  return true;
}
