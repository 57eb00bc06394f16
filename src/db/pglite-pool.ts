import type { PGlite } from '@electric-sql/pglite';

/**
 * PGlite is one connection in one process. Kysely's Postgres driver asks a pool for a client per query or per
 * transaction, so this pool hands out the single connection behind a FIFO mutex: a transaction holds it from BEGIN
 * to COMMIT and nobody's statements interleave with it.
 */
export class PGlitePool {
  private busy = false;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly pg: PGlite) {}

  async connect(): Promise<PGliteClient> {
    if (this.busy) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.busy = true;
    return new PGliteClient(this.pg, () => this.release());
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.busy = false;
  }

  async end(): Promise<void> {
    // Closing is done by the owner of the PGlite instance.
  }
}

export interface PoolQueryResult {
  command: string;
  rowCount: number;
  rows: Record<string, unknown>[];
}

class PGliteClient {
  private released = false;

  constructor(
    private readonly pg: PGlite,
    private readonly onRelease: () => void,
  ) {}

  async query(sqlText: string, params: readonly unknown[] = []): Promise<PoolQueryResult> {
    // A script with several statements and no parameters (migrations) needs the simple protocol.
    if (params.length === 0 && /;\s*\S/.test(sqlText)) {
      const all = await this.pg.exec(sqlText);
      const last = all.at(-1);
      return { command: 'SCRIPT', rowCount: last?.rows.length ?? 0, rows: (last?.rows ?? []) as Record<string, unknown>[] };
    }
    const res = await this.pg.query<Record<string, unknown>>(sqlText, params as unknown[]);
    const command = (res.command ?? sqlText.trim().split(/\s+/, 1)[0] ?? '').toUpperCase();
    return { command, rowCount: res.rowCount ?? res.affectedRows ?? res.rows.length, rows: res.rows };
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease();
  }
}
