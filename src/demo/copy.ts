/**
 * Bulk writes with COPY, for seeders that make tens of thousands of rows. PostgreSQL refuses `COPY FROM` into a table
 * with row-level security for any role that does not bypass it ("COPY FROM not supported with row-level security"),
 * and our tables force RLS even on their owner. So each table's rows are copied into a temporary staging table first
 * and moved with one `INSERT … SELECT` as the owner role with `app.scope_all` on: the rows enter the real tables under
 * the same policies as any other write, and still in bulk.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import { type Database, quoteIdent } from '../db/database.ts';

export type CsvValue = string | number | boolean | Date | null | undefined | Record<string, unknown> | unknown[];

/** One table's rows as CSV (no header), columns in the order given. */
export interface CopyTable {
  table: string;
  columns: readonly string[];
  csv: string;
}

/**
 * A CSV field for `COPY … WITH (FORMAT csv)`. Strings are always quoted, so that an empty string stays empty and only
 * an unquoted empty field means NULL; objects and arrays go in as JSON (for jsonb columns).
 */
export function csvField(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.includes('"') ? `"${v.replace(/"/g, '""')}"` : `"${v}"`;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`copy: ${v} is not a finite number`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (v instanceof Date) return v.toISOString();
  return csvField(JSON.stringify(v));
}

export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\n`;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

function checked(name: string): string {
  // Table and column names are spliced into the statements; they come from code, never from input, but say so loudly.
  if (!IDENT.test(name)) throw new Error(`copy: ${JSON.stringify(name)} is not a plain identifier`);
  return name;
}

/**
 * Writes the tables in one transaction, in the order given (parents before children: foreign keys are checked per
 * statement). All or nothing.
 */
export async function copyTables(db: Database, job: string, tables: readonly CopyTable[]): Promise<void> {
  const plan = tables
    .filter((t) => t.csv.length > 0)
    .map((t, i) => ({
      table: checked(t.table),
      stage: `gl_copy_stage_${i}`,
      columns: t.columns.map(checked).join(', '),
      csv: t.csv,
    }));
  if (plan.length === 0) return;
  const owner = quoteIdent(db.roles.owner);

  if (db.pglite) {
    const pglite = db.pglite;
    // PGlite is one session, and the pool hands it to this transaction alone, so the direct COPY below runs inside it.
    await db.runAsOwner(job, async (trx) => {
      for (const p of plan) {
        await sql.raw(`create temp table ${p.stage} (like ${p.table} including defaults) on commit drop`).execute(trx);
      }
      // PGlite reads the CSV as the server-side file /dev/blob, and COPY from a file needs a superuser: PGlite's
      // session user is one. Only the copy into the staging tables runs as it; the real tables are written as the owner.
      await sql`reset role`.execute(trx);
      for (const p of plan) {
        await pglite.query(`copy ${p.stage} (${p.columns}) from '/dev/blob' with (format csv)`, [], {
          blob: new Blob([p.csv]),
        });
      }
      await sql.raw(`set local role ${owner}`).execute(trx);
      for (const p of plan) {
        await sql.raw(`insert into ${p.table} (${p.columns}) select ${p.columns} from ${p.stage}`).execute(trx);
      }
    });
    return;
  }

  if (!db.pgPool) throw new Error('copy: the database has neither a PGlite instance nor a PostgreSQL pool');
  const client = await db.pgPool.connect();
  try {
    await client.query('begin');
    // The same settings as Database.runAsOwner, on this one connection, since COPY needs a client of its own.
    await client.query(`select set_config('app.scope_all', 'on', true), set_config('app.actor', $1, true)`, [
      `system:${job}`,
    ]);
    await client.query(`set local role ${owner}`);
    for (const p of plan) {
      await client.query(`create temp table ${p.stage} (like ${p.table} including defaults) on commit drop`);
      await pipeline(
        Readable.from(chunks(p.csv)),
        client.query(copyFrom(`copy ${p.stage} (${p.columns}) from stdin with (format csv)`)),
      );
    }
    for (const p of plan) {
      await client.query(`insert into ${p.table} (${p.columns}) select ${p.columns} from ${p.stage}`);
    }
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => {
      // The connection may be gone; the first error is the one to report.
    });
    throw err;
  } finally {
    client.release();
  }
}

/** Megabyte pieces, so that a large batch streams instead of being handed to the socket as one buffer. */
function* chunks(text: string): Generator<Buffer> {
  const step = 1 << 20;
  let i = 0;
  while (i < text.length) {
    let end = Math.min(i + step, text.length);
    // Never cut between the halves of a surrogate pair: each piece is encoded to UTF-8 on its own.
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    yield Buffer.from(text.slice(i, end), 'utf8');
    i = end;
  }
}
