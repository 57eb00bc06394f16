import { hostname } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { ltree } from '@electric-sql/pglite/contrib/ltree';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { postgis } from '@electric-sql/pglite-postgis';
import { Kysely, PostgresDialect, type PostgresPool, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { type Caller, scopePaths } from './caller.ts';
import { acquireDataDirLock } from './lock.ts';
import { PGlitePool } from './pglite-pool.ts';

/** Tables are reached through `sql` templates in each module's store; the schema type stays open on purpose. */
export type Tx = Transaction<Record<string, never>> | Kysely<Record<string, never>>;

export interface DbRoles {
  owner: string;
  app: string;
  public: string;
}

export interface Database {
  kind: 'pglite' | 'postgres';
  name: string;
  roles: DbRoles;
  /** The connecting (administrative) user: migrations and role set-up only. */
  admin: Kysely<Record<string, never>>;
  /** Runs `fn` in one transaction as the caller: role, scope and actor set with SET LOCAL. */
  run<T>(caller: Caller, fn: (trx: Transaction<Record<string, never>>) => Promise<T>): Promise<T>;
  /** Runs `fn` in one transaction as the owner role, bypassing nothing but owning the tables (sealer, COPY). */
  runAsOwner<T>(job: string, fn: (trx: Transaction<Record<string, never>>) => Promise<T>): Promise<T>;
  pglite: PGlite | null;
  pgPool: pg.Pool | null;
  /**
   * Hears NOTIFY on a channel: what other transactions (in this or another server process) announced on commit.
   * On PostgreSQL a dedicated connection listens and reconnects by itself after an outage.
   */
  listen(channel: string, fn: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Role names derived from the database name, so that two Gridloop databases on one cluster do not collide. */
export function rolesFor(databaseName: string): DbRoles {
  let base = databaseName.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (base.length > 40) {
    let h = 0;
    for (const ch of databaseName) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
    base = `${base.slice(0, 31)}_${h.toString(16)}`;
  }
  return { owner: `gl_${base}_owner`, app: `gl_${base}_app`, public: `gl_${base}_public` };
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function setCaller(trx: Transaction<Record<string, never>>, roles: DbRoles, caller: Caller): Promise<void> {
  let role = roles.app;
  let scope = '{}';
  let all = 'off';
  let actor = 'public';
  if (caller.kind === 'public') {
    role = roles.public;
  } else if (caller.kind === 'system') {
    all = 'on';
    actor = `system:${caller.job}`;
  } else {
    scope = `{${scopePaths(caller).join(',')}}`;
    actor = caller.tokenId ? `token:${caller.tokenId}` : `user:${caller.userId}`;
  }
  await sql`select set_config('app.scope', ${scope}, true), set_config('app.scope_all', ${all}, true),
    set_config('app.actor', ${actor}, true)`.execute(trx);
  await sql.raw(`set local role ${quoteIdent(role)}`).execute(trx);
}

function wrap(kind: Database['kind'], name: string, kysely: Kysely<Record<string, never>>, extra: {
  pglite: PGlite | null;
  pgPool: pg.Pool | null;
  listen: Database['listen'];
  close: () => Promise<void>;
}): Database {
  const roles = rolesFor(name);
  return {
    kind,
    name,
    roles,
    admin: kysely,
    run: (caller, fn) =>
      kysely.transaction().execute(async (trx) => {
        await setCaller(trx, roles, caller);
        return fn(trx);
      }),
    runAsOwner: (job, fn) =>
      kysely.transaction().execute(async (trx) => {
        await sql`select set_config('app.scope_all', 'on', true), set_config('app.actor', ${`system:${job}`}, true)`.execute(
          trx,
        );
        await sql.raw(`set local role ${quoteIdent(roles.owner)}`).execute(trx);
        return fn(trx);
      }),
    ...extra,
  };
}

/** One PGlite instance behind the Database seam; `onClose` releases what the caller holds (the lock file). */
function pgliteDatabase(pgl: PGlite, onClose: () => void): Database {
  const kysely = new Kysely<Record<string, never>>({
    dialect: new PostgresDialect({ pool: new PGlitePool(pgl) as unknown as PostgresPool }),
  });
  return wrap('pglite', 'postgres', kysely, {
    pglite: pgl,
    pgPool: null,
    listen: (channel, fn) => pgliteListen(pgl, channel, fn),
    close: async () => {
      await kysely.destroy();
      await pgl.close();
      onClose();
    },
  });
}

const EXTENSIONS = { postgis, ltree, pg_trgm };

export async function openPglite(dataDir: string | null): Promise<Database> {
  const release = dataDir ? acquireDataDirLock(dataDir) : () => {};
  try {
    const pgl = await PGlite.create({ dataDir: dataDir ? join(dataDir, 'pgdata') : undefined, extensions: EXTENSIONS });
    return pgliteDatabase(pgl, release);
  } catch (err) {
    release();
    if (!dataDir) throw err;
    // PGlite says only "Aborted()" about a data directory it cannot read: say what it means and the way back.
    const pgdata = join(dataDir, 'pgdata');
    throw new Error(
      `The embedded database in ${pgdata} could not be opened (${(err as Error).message}). A crash of the machine can ` +
        `damage it (the embedded database does not fsync). To recover, move ${pgdata} aside and restore the latest ` +
        'backup with `gridloop restore FILE --force` (see "Operations" in the README).',
    );
  }
}

/** A PGlite database restored from a dump (test workers share one migrated snapshot). */
export async function openPgliteFromDump(dump: Blob): Promise<Database> {
  return pgliteDatabase(await PGlite.create({ loadDataDir: dump, extensions: EXTENSIONS }), () => {});
}

/** Names this process's connections in pg_stat_activity, so a restore can tell another Gridloop from itself. */
export const APPLICATION_NAME = `gridloop:${process.pid}@${hostname().slice(0, 40)}`;

export async function openPostgres(url: string, poolSize = 10): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000, application_name: APPLICATION_NAME });
  // An idle client's error (server restart, network cut) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  // Nor may a checked-out client's: pg-pool listens only while a client is idle, and a connection that dies between
  // two statements of a transaction makes pg emit 'error' with nobody listening, which ends the process. The next
  // statement fails instead, the transaction rolls back and the request gets a 503.
  pool.on('connect', (client) => client.on('error', () => {}));
  const name = new URL(url).pathname.replace(/^\//, '') || 'postgres';
  const kysely = new Kysely<Record<string, never>>({ dialect: new PostgresDialect({ pool }) });
  const listeners: Array<() => Promise<void>> = [];
  return wrap('postgres', decodeURIComponent(name), kysely, {
    pglite: null,
    pgPool: pool,
    listen: async (channel, fn) => {
      const stop = await pgListen(url, channel, fn);
      listeners.push(stop);
      return stop;
    },
    close: async () => {
      for (const stop of listeners) await stop();
      await kysely.destroy();
    },
  });
}

export function openDatabase(opts: { databaseUrl: string | null; dataDir: string }): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(opts.dataDir);
}

async function pgliteListen(pgl: PGlite, channel: string, fn: (payload: string) => void) {
  const unlisten = await pgl.listen(channel, fn);
  return async () => {
    if (!pgl.closed) await unlisten();
  };
}

/** A dedicated LISTEN connection that comes back by itself after the server restarts or the network drops. */
async function pgListen(url: string, channel: string, fn: (payload: string) => void): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | null = null;
  const connect = async (): Promise<void> => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000, application_name: APPLICATION_NAME });
    c.on('notification', (m) => {
      if (m.channel === channel && m.payload !== undefined) fn(m.payload);
    });
    c.on('error', () => {
      client = null;
      void c.end().catch(() => {});
      if (!stopped) retry = setTimeout(() => void connect().catch(() => {}), 1000);
    });
    try {
      await c.connect();
      await c.query(`listen ${quoteIdent(channel)}`);
      client = c;
    } catch {
      await c.end().catch(() => {});
      if (!stopped) retry = setTimeout(() => void connect().catch(() => {}), 1000);
    }
  };
  await connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    await client?.end().catch(() => {});
  };
}
