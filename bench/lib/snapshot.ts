/**
 * The catalog of the bench database at the frozen schema, kept in `bench_schema_snapshot` before any later migration
 * runs. When a draft migration changes after the bench database applied it, rebase.ts uses this record to take the
 * database back to the frozen schema (the loaded rows stay) so that the current drafts can be applied instead.
 */
import type { BenchDb } from './db.ts';
import { appliedVersion, FROZEN_VERSION } from './schema.ts';

/** Every object a migration can add or change, as (kind, name, definition). */
export const CATALOG_SQL = `
  select 'table' as kind, c.relname::text as name, c.relkind::text || ':' || c.relrowsecurity::text || ':' || c.relforcerowsecurity::text as def
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p', 'S') and c.relname not like 'bench\\_%'
  union all
  select 'view', c.relname::text, pg_get_viewdef(c.oid)
    from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind in ('v', 'm')
  union all
  select 'column', c.relname || '.' || a.attname, format_type(a.atttypid, a.atttypmod) || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where n.nspname = 'public' and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped and c.relname not like 'bench\\_%'
  union all
  select 'index', i.relname::text, pg_get_indexdef(i.oid)
    from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid join pg_namespace n on n.oid = t.relnamespace
    where n.nspname = 'public' and t.relname not like 'bench\\_%'
      and not exists (select 1 from pg_constraint k where k.conindid = x.indexrelid and k.contype in ('p', 'u', 'x'))
  union all
  select 'constraint', t.relname || '.' || k.conname, pg_get_constraintdef(k.oid)
    from pg_constraint k join pg_class t on t.oid = k.conrelid join pg_namespace n on n.oid = t.relnamespace
    where n.nspname = 'public' and t.relname not like 'bench\\_%'
  union all
  select 'function', p.oid::regprocedure::text, pg_get_functiondef(p.oid)
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public' and p.prokind in ('f', 'p')
      and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
  union all
  select 'trigger', t.relname || '.' || g.tgname, pg_get_triggerdef(g.oid)
    from pg_trigger g join pg_class t on t.oid = g.tgrelid join pg_namespace n on n.oid = t.relnamespace
    where n.nspname = 'public' and not g.tgisinternal
  union all
  select 'policy', p.tablename || '.' || p.policyname,
      'create policy ' || quote_ident(p.policyname) || ' on ' || quote_ident(p.tablename)
      || case when p.permissive = 'PERMISSIVE' then '' else ' as restrictive' end
      || ' for ' || p.cmd || ' to ' || array_to_string(p.roles, ', ')
      || coalesce(' using (' || p.qual || ')', '') || coalesce(' with check (' || p.with_check || ')', '')
    from pg_policies p where p.schemaname = 'public'
`;

export interface CatalogEntry {
  kind: string;
  name: string;
  def: string;
}

/** The catalog now; `on` is a client inside a transaction when it must see that transaction's changes. */
export async function catalog(b: BenchDb, on: Pick<import('pg').PoolClient, 'query'> = b.admin): Promise<CatalogEntry[]> {
  return (await on.query<CatalogEntry>(CATALOG_SQL)).rows;
}

/**
 * Records the frozen schema once, while the database is at it. Indexes a bulk load has dropped for the while
 * (bench_dropped) count as present.
 */
export async function captureSnapshot(b: BenchDb): Promise<boolean> {
  await b.admin.query('create table if not exists bench_schema_snapshot (kind text not null, name text not null, def text not null, primary key (kind, name))');
  const { rows } = await b.admin.query<{ n: number }>('select count(*)::int as n from bench_schema_snapshot');
  if ((rows[0]?.n ?? 0) > 0 || (await appliedVersion(b)) !== FROZEN_VERSION) return false;
  const entries = await catalog(b);
  await b.admin.query('create table if not exists bench_dropped (seq serial primary key, kind text not null, tbl text not null, name text not null, def text not null)');
  const { rows: dropped } = await b.admin.query<{ kind: string; tbl: string; name: string; def: string }>('select kind, tbl, name, def from bench_dropped');
  for (const d of dropped) {
    if (d.kind === 'index') entries.push({ kind: 'index', name: d.name, def: d.def });
    else entries.push({ kind: 'constraint', name: `${d.tbl}.${d.name}`, def: d.def });
  }
  const c = await b.admin.connect();
  try {
    await c.query('begin');
    for (const e of entries) {
      await c.query('insert into bench_schema_snapshot (kind, name, def) values ($1, $2, $3) on conflict do nothing', [e.kind, e.name, e.def]);
    }
    await c.query('commit');
  } catch (err) {
    await c.query('rollback');
    throw err;
  } finally {
    c.release();
  }
  return true;
}
