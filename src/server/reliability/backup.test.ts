import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/database.ts';
import { quoteIdent } from '../../db/database.ts';
import { migrate } from '../../db/migrate.ts';
import { seedHistory } from '../../demo/history.ts';
import { seedPeople } from '../../demo/people.ts';
import { TEST_SECRETS } from '../../testing/fixtures.ts';
import { createBackup } from '../backup/backup.ts';
import { storageRoot } from '../backup/files.ts';
import { dataKeyId, type Manifest, MANIFEST_NAME, signManifest } from '../backup/manifest.ts';
import { restoreBackup } from '../backup/restore.ts';
import { readTarGz, TarGzWriter } from '../backup/tar.ts';
import { auditKey, sealAll } from '../modules/audit/service.ts';
import { LocalFileStorage } from '../storage.ts';
import { backend, openPglite, openScratch, type Scratch, removeTempDirs, scratchPostgres, seededDatabase, seededPglite, tempDir } from './scratch.ts';

const KEY = Buffer.from(TEST_SECRETS.GRIDLOOP_DATA_KEY, 'utf8');
const OTHER_KEY = Buffer.from('another-data-key-0123456789-abcdefghijklmn', 'utf8');
const LONG_KEY = `cases/2026/11/${'a'.repeat(120)}/photo-with-a-name-longer-than-a-tar-header-holds.jpg`;

interface Fingerprint {
  tables: Record<string, { rows: number; md5: string }>;
  sequences: Record<string, string>;
}

/** Every owned table's row count and a digest of its rows (generated columns included), read past row-level security. */
async function fingerprint(db: Database): Promise<Fingerprint> {
  return db.admin.transaction().execute(async (trx) => {
    await sql`set local timezone = 'UTC'`.execute(trx);
    const { rows: rels } = await sql<{ name: string; kind: string }>`select c.relname as name, c.relkind::text as kind
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'S') and pg_get_userbyid(c.relowner) = ${db.roles.owner}
      order by 1`.execute(trx);
    const out: Fingerprint = { tables: {}, sequences: {} };
    for (const r of rels) {
      const t = quoteIdent(r.name);
      // The restore's own audit row takes an id after the archive's; the test checks that sequence on its own.
      if (r.kind === 'S' && r.name !== 'audit_log_id_seq') {
        out.sequences[r.name] = (await sql<{ v: string }>`select last_value::text as v from ${sql.raw(t)}`.execute(trx)).rows[0]!.v;
        continue;
      }
      if (r.kind === 'S') continue;
      // The restore's own audit row comes after the archive's content.
      const where = r.name === 'audit_log' ? sql`where action <> 'backup.restore'` : sql``;
      const { rows } = await sql<{ n: number; h: string }>`select count(*)::int as n,
          md5(coalesce(string_agg(x::text, E'\n' order by x::text collate "C"), '')) as h
        from ${sql.raw(t)} x ${where}`.execute(trx);
      out.tables[r.name] = { rows: rows[0]!.n, md5: rows[0]!.h };
    }
    return out;
  });
}

function fileDigests(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, prefix: string) => {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      const key = prefix ? `${prefix}/${name}` : name;
      if (statSync(path).isDirectory()) walk(path, key);
      else out[key] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(root, '');
  return out;
}

type Change = (name: string, data: Buffer) => Buffer | null | Array<[string, Buffer]>;

/** Copies an archive entry by entry, letting `change` alter, drop or add entries. */
async function rewrite(from: string, to: string, change: Change): Promise<void> {
  const w = new TarGzWriter(to);
  for await (const e of readTarGz(from)) {
    const out = change(e.name, e.data);
    for (const [name, data] of Array.isArray(out) ? out : out ? [[e.name, out] as [string, Buffer]] : []) await w.add(name, data);
  }
  await w.finish();
}

function editManifest(edit: (m: Manifest) => Manifest, key: Buffer | null) {
  return (name: string, data: Buffer): Buffer => {
    if (name !== MANIFEST_NAME) return data;
    const m = edit(JSON.parse(data.toString('utf8')) as Manifest);
    return Buffer.from(JSON.stringify(key ? signManifest(m, key) : m));
  };
}

describe(`backup and restore (${backend})`, () => {
  const work = tempDir('backup');
  const sourceDir = join(work, 'source');
  const targetDir = join(work, 'target');
  const archive = join(work, 'gridloop.tar.gz');
  const scratches: Scratch[] = [];
  let source: Database;
  let target: Database;
  let before: Fingerprint;
  let beforeFiles: Record<string, string>;

  async function open(tag: string, dataDir: string): Promise<Database> {
    if (backend === 'pglite') return openPglite(dataDir);
    const s = await scratchPostgres(tag);
    scratches.push(s);
    return openScratch(s);
  }

  beforeAll(async () => {
    source = backend === 'pglite' ? await seededPglite() : await seededDatabase(() => open('bksrc', sourceDir));
    await seedHistory(source, { cases: 150, dataKey: KEY, timezone: 'Asia/Shanghai' });
    await seedPeople(source, { persons: 300, dataKey: KEY });
    const storage = new LocalFileStorage(storageRoot(sourceDir));
    await storage.put('cases/2026/11/one.jpg', new Uint8Array([0xff, 0xd8, 1, 2, 3]));
    await storage.put('cases/2026/11/two.jpg', new Uint8Array(300_000).fill(7));
    await storage.put(LONG_KEY, new Uint8Array([9, 9, 9]));
    await sealAll(source, auditKey(KEY));
    before = await fingerprint(source);
    beforeFiles = fileDigests(storageRoot(sourceDir));
    await createBackup(source, { out: archive, dataDir: sourceDir, dataKey: KEY, version: 'test' });
    target = await open('bkdst', targetDir);
    await migrate(target);
  }, 300_000);

  afterAll(async () => {
    await source?.close();
    await target?.close();
    for (const s of scratches) await s.drop();
    removeTempDirs();
  });

  it('reproduces every row count and checksum of every table and file, and the audit chain verifies', async () => {
    expect(before.tables.cases!.rows).toBeGreaterThan(100);
    expect(before.tables.person!.rows).toBeGreaterThan(200);
    expect(before.tables.audit_log!.rows).toBeGreaterThan(0);
    const r = await restoreBackup(target, { file: archive, dataDir: targetDir, dataKey: KEY });
    expect(r.replaced).toBe(false);
    expect(r.audit.ok).toBe(true);
    expect(r.audit.checked).toBeGreaterThanOrEqual(before.tables.audit_log!.rows);
    for (const t of r.manifest.tables) expect(t.rows, t.name).toBe(before.tables[t.name]!.rows);
    expect(await fingerprint(target)).toEqual(before);
    const lastAuditId = Number((await sql<{ v: string }>`select last_value::text as v from audit_log_id_seq`.execute(target.admin)).rows[0]!.v);
    expect(lastAuditId).toBeGreaterThan(Number(r.manifest.sequences.find((q) => q.name === 'audit_log_id_seq')!.lastValue));
    expect(Object.keys(beforeFiles)).toContain(LONG_KEY);
    expect(fileDigests(storageRoot(targetDir))).toEqual(beforeFiles);
    expect(r.manifest.files.map((f) => f.key).sort()).toEqual(Object.keys(beforeFiles).sort());
  }, 180_000);

  it('refuses a target that holds data unless --force, which replaces it', async () => {
    await expect(restoreBackup(target, { file: archive, dataDir: targetDir, dataKey: KEY })).rejects.toThrow(/not empty.*--force/s);
    await target.run({ kind: 'system', job: 'test' }, (trx) => sql`delete from case_clock where case_id in (select case_id from case_clock limit 5)`.execute(trx));
    const storage = new LocalFileStorage(storageRoot(targetDir));
    await storage.put('cases/2026/12/extra.jpg', new Uint8Array([1]));
    const r = await restoreBackup(target, { file: archive, dataDir: targetDir, dataKey: KEY, force: true });
    expect(r.replaced).toBe(true);
    expect(r.audit.ok).toBe(true);
    expect(await fingerprint(target)).toEqual(before);
    expect(fileDigests(storageRoot(targetDir))).toEqual(beforeFiles);
  }, 180_000);

  it.runIf(backend === 'postgres')('refuses while another Gridloop process is connected to the database', async () => {
    const other = new pg.Client({ connectionString: scratches.find((x) => x.name.includes('bkdst'))!.url, application_name: 'gridloop:424242@elsewhere' });
    await other.connect();
    try {
      await expect(restoreBackup(target, { file: archive, dataDir: targetDir, dataKey: KEY, force: true })).rejects.toThrow(
        /other Gridloop processes are connected to this database \(424242@elsewhere\)/,
      );
    } finally {
      await other.end();
    }
    expect(await fingerprint(target)).toEqual(before);
  }, 60_000);

  describe('refuses an archive that differs from its manifest, naming the difference, and changes nothing', () => {
    const cases: Array<[string, Change, RegExp]> = [
      ['a table altered', (n, d) => (n === 'db/cases/000001.copy' ? Buffer.from(d.toString('utf8').replace(/\t/, '\tX')) : d), /table cases: its content differs from the manifest/],
      ['a table piece removed', (n, d) => (n === 'db/person/000001.copy' ? null : d), /table person: its 300 rows are missing/],
      ['a stored file altered', (n, d) => (n === 'files/cases/2026/11/one.jpg' ? Buffer.from([0xff, 0xd8, 1, 2, 4]) : d), /file cases\/2026\/11\/one\.jpg: its content differs/],
      ['a file added', (n, d) => (n === MANIFEST_NAME ? [['files/cases/evil.jpg', Buffer.from('evil')], [n, d]] : d), /file cases\/evil\.jpg is in the archive but not in the manifest/],
      ['the manifest altered', editManifest((m) => ({ ...m, tables: m.tables.map((t) => (t.name === 'cases' ? { ...t, rows: t.rows + 1 } : t)) }), null), /manifest\.json was altered/],
      [
        'another schema version',
        editManifest((m) => ({ ...m, schema: { version: 99, migrations: [...m.schema.migrations, { version: 99, name: '0099_future.sql', checksum: 'x' }] } }), KEY),
        /schema version 99.*0099_future\.sql is in the archive but not in this database/s,
      ],
      ['another data key', editManifest((m) => ({ ...m, dataKeyId: dataKeyId(OTHER_KEY) }), OTHER_KEY), /different GRIDLOOP_DATA_KEY/],
    ];
    for (const [what, change, message] of cases) {
      it(what, async () => {
        const bad = join(work, `bad-${what.replace(/\W+/g, '-')}.tar.gz`);
        await rewrite(archive, bad, change);
        await expect(restoreBackup(target, { file: bad, dataDir: targetDir, dataKey: KEY, force: true })).rejects.toThrow(message);
        expect(await fingerprint(target)).toEqual(before);
        expect(fileDigests(storageRoot(targetDir))).toEqual(beforeFiles);
      }, 120_000);
    }

    it('a truncated archive', async () => {
      const bad = join(work, 'truncated.tar.gz');
      writeFileSync(bad, readFileSync(archive));
      truncateSync(bad, Math.floor(statSync(archive).size / 2));
      await expect(restoreBackup(target, { file: bad, dataDir: targetDir, dataKey: KEY, force: true })).rejects.toThrow(/incomplete|damaged/);
      expect(await fingerprint(target)).toEqual(before);
    }, 120_000);
  });
});
