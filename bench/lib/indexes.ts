/**
 * Bulk loads into the bench database write into tables without their secondary indexes and keys, then build those once
 * (much faster than maintaining a GIN trigram index row by row). The definitions are kept in `bench_dropped` before
 * anything is dropped, so an interrupted load still gets every index back on the next run.
 */
import type pg from 'pg';

async function ensureTable(admin: pg.Pool): Promise<void> {
  await admin.query(`create table if not exists bench_dropped (
    seq serial primary key, kind text not null, tbl text not null, name text not null, def text not null)`);
}

/** Drops the indexes, primary key and the foreign keys that point at it, of each table; remembers them first. */
export async function dropIndexes(admin: pg.Pool, tables: readonly string[]): Promise<void> {
  await ensureTable(admin);
  const c = await admin.connect();
  try {
    await c.query('begin');
    // Foreign keys of other tables that depend on these tables' keys (case_event → cases).
    const { rows: fks } = await c.query<{ tbl: string; name: string; def: string }>(
      `select conrelid::regclass::text as tbl, conname as name, pg_get_constraintdef(oid) as def from pg_constraint
       where contype = 'f' and confrelid = any($1::regclass[]) order by oid`,
      [tables],
    );
    const { rows: pks } = await c.query<{ tbl: string; name: string; def: string; idx: string }>(
      `select conrelid::regclass::text as tbl, conname as name, pg_get_constraintdef(oid) as def, conindid::regclass::text as idx
       from pg_constraint where contype in ('p', 'u') and conrelid = any($1::regclass[]) order by oid`,
      [tables],
    );
    const { rows: idx } = await c.query<{ tbl: string; name: string; def: string }>(
      `select i.indrelid::regclass::text as tbl, i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
       from pg_index i where i.indrelid = any($1::regclass[])
         and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid and k.contype in ('p', 'u'))
       order by i.indexrelid`,
      [tables],
    );
    const record = (kind: string, r: { tbl: string; name: string; def: string }) =>
      c.query('insert into bench_dropped (kind, tbl, name, def) values ($1, $2, $3, $4)', [kind, r.tbl, r.name, r.def]);
    for (const r of pks) await record('key', r);
    for (const r of idx) await record('index', r);
    for (const r of fks) await record('fk', r);
    for (const r of fks) await c.query(`alter table ${r.tbl} drop constraint ${r.name}`);
    for (const r of idx) await c.query(`drop index ${r.name}`);
    for (const r of pks) await c.query(`alter table ${r.tbl} drop constraint ${r.name}`);
    await c.query('commit');
  } catch (err) {
    await c.query('rollback');
    throw err;
  } finally {
    c.release();
  }
}

export interface Dropped {
  seq: number;
  kind: 'key' | 'index' | 'fk';
  tbl: string;
  name: string;
  def: string;
}

export async function droppedIndexes(admin: pg.Pool): Promise<Dropped[]> {
  await ensureTable(admin);
  const { rows } = await admin.query<Dropped>('select seq, kind, tbl, name, def from bench_dropped order by seq');
  return rows;
}

/**
 * Builds back everything dropped: keys, then indexes, then foreign keys (validated), one statement at a time with a
 * large maintenance_work_mem and parallel workers for the B-trees.
 */
export async function restoreIndexes(admin: pg.Pool, onStep: (done: number, total: number, name: string) => void = () => {}): Promise<number> {
  const all = await droppedIndexes(admin);
  const c = await admin.connect();
  try {
    await c.query(`set maintenance_work_mem = '1GB'; set max_parallel_maintenance_workers = 2`);
    let done = 0;
    for (const d of all) {
      onStep(done, all.length, d.name);
      if (d.kind === 'index') await c.query(d.def);
      else await c.query(`alter table ${d.tbl} add constraint ${d.name} ${d.def}`);
      await c.query('delete from bench_dropped where seq = $1', [d.seq]);
      done++;
    }
    onStep(done, all.length, '');
    return all.length;
  } finally {
    c.release();
  }
}
