/**
 * One database session for backup and restore, on either backend: plain queries, and COPY out of and into tables.
 * On PostgreSQL a pool client with pg-copy-streams; on PGlite the one embedded session, held through the pool's mutex
 * so that nothing else interleaves, with COPY through its `/dev/blob` device.
 */
import { once } from 'node:events';
import { sql } from 'kysely';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type pg from 'pg';
import type { Database } from '../../db/database.ts';

export interface CopyIn {
  write(piece: Buffer): Promise<void>;
  end(): Promise<void>;
}

export interface Session {
  kind: Database['kind'];
  query<R>(text: string, params?: unknown[]): Promise<R[]>;
  /** Streams the COPY … TO STDOUT text of `select` in pieces that each end at a row boundary. */
  copyOut(select: string, onPiece: (piece: Buffer, rows: number) => Promise<void>): Promise<void>;
  /** COPY FROM for `table (columns)`; pieces must end at row boundaries. */
  copyIn(target: string): Promise<CopyIn>;
}

/** About this many bytes per piece of table data in the archive. */
export const PIECE_BYTES = 4 << 20;

/**
 * Cuts COPY text into pieces that end at a newline (a raw newline only ends a row in COPY's text format: newlines
 * inside values are escaped) and counts the rows in each.
 */
export class RowPieces {
  private parts: Buffer[] = [];
  private size = 0;
  constructor(
    private readonly emit: (piece: Buffer, rows: number) => Promise<void>,
    private readonly pieceBytes = PIECE_BYTES,
  ) {}

  async push(chunk: Buffer): Promise<void> {
    this.parts.push(chunk);
    this.size += chunk.length;
    if (this.size < this.pieceBytes) return;
    const all = Buffer.concat(this.parts);
    const cut = all.lastIndexOf(0x0a) + 1;
    if (cut === 0) {
      this.parts = [all];
      return;
    }
    this.parts = cut < all.length ? [all.subarray(cut)] : [];
    this.size = all.length - cut;
    const piece = all.subarray(0, cut);
    await this.emit(piece, countRows(piece));
  }

  async end(): Promise<void> {
    if (this.size === 0) return;
    const piece = Buffer.concat(this.parts);
    this.parts = [];
    this.size = 0;
    await this.emit(piece, countRows(piece));
  }
}

export function countRows(piece: Buffer): number {
  let n = 0;
  let i = piece.indexOf(0x0a);
  while (i !== -1) {
    n++;
    i = piece.indexOf(0x0a, i + 1);
  }
  return n;
}

function postgresSession(client: pg.PoolClient): Session {
  return {
    kind: 'postgres',
    query: async <R>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as R[],
    async copyOut(select, onPiece) {
      const pieces = new RowPieces(onPiece);
      const stream = client.query(copyTo(`copy (${select}) to stdout`));
      for await (const chunk of stream as AsyncIterable<Buffer>) await pieces.push(chunk);
      await pieces.end();
    },
    async copyIn(target) {
      const stream = client.query(copyFrom(`copy ${target} from stdin`));
      let failed: Error | null = null;
      stream.on('error', (err: Error) => {
        failed ??= err;
      });
      const finished = once(stream, 'finish');
      finished.catch(() => {});
      return {
        async write(piece) {
          if (failed) throw failed;
          if (!stream.write(piece)) {
            await Promise.race([once(stream, 'drain'), once(stream, 'error')]);
            if (failed) throw failed;
          }
        },
        async end() {
          if (failed) throw failed;
          stream.end();
          await finished;
          if (failed) throw failed;
        },
      };
    },
  };
}

function pgliteSession(db: Database): Session {
  const pgl = db.pglite!;
  return {
    kind: 'pglite',
    query: async <R>(text: string, params: unknown[] = []) => (await pgl.query<R>(text, params)).rows,
    async copyOut(select, onPiece) {
      const pieces = new RowPieces(onPiece);
      const res = await pgl.query(`copy (${select}) to '/dev/blob'`);
      if (res.blob) await pieces.push(Buffer.from(await res.blob.arrayBuffer()));
      await pieces.end();
    },
    async copyIn(target) {
      return {
        // PGlite reads COPY data from a blob; each piece holds whole rows, so each is its own COPY statement.
        write: async (piece) => {
          await pgl.query(`copy ${target} from '/dev/blob'`, [], { blob: new Blob([piece as unknown as BlobPart]) });
        },
        end: async () => {},
      };
    },
  };
}

/**
 * Runs `fn` with a session of its own, inside one transaction begun with `begin` (e.g. `begin isolation level
 * repeatable read read only`). Commits when `fn` returns, rolls back when it throws.
 */
export async function withSession<T>(db: Database, begin: string, fn: (s: Session) => Promise<T>): Promise<T> {
  const run = async (s: Session) => {
    await s.query(begin);
    try {
      // Text the same on every server and run: UTC times, ISO dates, shortest exact floats. row_security off makes a
      // query fail rather than silently skip rows that a policy would hide.
      await s.query(`select set_config('timezone', 'UTC', true), set_config('datestyle', 'ISO, YMD', true),
        set_config('intervalstyle', 'postgres', true), set_config('extra_float_digits', '1', true),
        set_config('bytea_output', 'hex', true), set_config('client_encoding', 'UTF8', true),
        set_config('row_security', 'off', true)`);
      const result = await fn(s);
      await s.query('commit');
      return result;
    } catch (err) {
      await s.query('rollback').catch(() => {});
      throw err;
    }
  };
  if (db.pglite) return db.admin.connection().execute(async (conn) => {
    // Holding the pool's one connection keeps every other query of this process out of the session meanwhile.
    await sql`select 1`.execute(conn);
    return run(pgliteSession(db));
  });
  if (!db.pgPool) throw new Error('backup: the database has neither a PGlite instance nor a PostgreSQL pool');
  const client = await db.pgPool.connect();
  let broken = false;
  try {
    return await run(postgresSession(client));
  } catch (err) {
    broken = true;
    throw err;
  } finally {
    client.release(broken);
  }
}
